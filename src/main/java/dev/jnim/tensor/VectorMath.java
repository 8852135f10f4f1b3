package dev.jnim.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reductions whose result does not depend on the JIT. {@code FloatVector.reduceLanes(ADD)} may
 * sum lanes in a different order when interpreted and when compiled, so the same input could give
 * different logits before and after warm-up, which would break "same seed, same output" and
 * "same result alone or batched". This sums with a fixed butterfly of lane-wise adds instead,
 * which are exact IEEE operations in every execution mode.
 *
 * <p>Hot kernels do not call {@link #sum} with 16 lanes: a vector passed to a method that C2
 * declines to inline ("already compiled into a big method") is boxed on the heap, which made the
 * matrix multiply allocate megabytes per call. They inline the same butterfly with
 * {@link #S8}…{@link #S1}, four accumulators at a time with {@link #M8}/{@link #M4} (lane 0, 8,
 * 4, 12 then hold the sums of the first…fourth vector), in the same pairing order as {@link #sum},
 * so every path gives bit-identical sums. {@link #exp} is likewise built from
 * lane-wise adds and FMAs (not the {@code EXP} operator, whose intrinsic and fallback differ).
 */
public final class VectorMath {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** True with 16-lane vectors (AVX-512): the kernels then inline the butterflies below. */
    static final boolean WIDE = F.length() == 16;
    static final VectorShuffle<Float> S1;
    static final VectorShuffle<Float> S2;
    static final VectorShuffle<Float> S4;
    static final VectorShuffle<Float> S8;
    /** Lanes 8..15 (with 16 lanes). */
    static final VectorMask<Float> M8;
    /** Lanes whose index has bit 2 set (with 16 lanes). */
    static final VectorMask<Float> M4;

    static {
        S1 = VectorShuffle.fromOp(F, i -> i ^ 1);
        S2 = F.length() >= 4 ? VectorShuffle.fromOp(F, i -> i ^ 2) : null;
        S4 = F.length() >= 8 ? VectorShuffle.fromOp(F, i -> i ^ 4) : null;
        S8 = F.length() >= 16 ? VectorShuffle.fromOp(F, i -> i ^ 8) : null;
        M8 = WIDE ? VectorMask.fromLong(F, 0xFF00L) : null;
        M4 = WIDE ? VectorMask.fromLong(F, 0xF0F0L) : null;
        if (F.length() > 16) {
            throw new ExceptionInInitializerError("vector species wider than 16 floats not supported: " + F);
        }
    }

    private VectorMath() {
    }

    /** Sum of the lanes, in a fixed order. */
    public static float sum(FloatVector v) {
        if (S8 != null) {
            v = v.add(v.rearrange(S8));
        }
        if (S4 != null) {
            v = v.add(v.rearrange(S4));
        }
        if (S2 != null) {
            v = v.add(v.rearrange(S2));
        }
        v = v.add(v.rearrange(S1));
        return v.lane(0);
    }

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f; // 1.5 * 2^23: x + M - M rounds x to an integer
    private static final float EXP_HI = 88.0f; // keeps n <= 127 so 2^n is a normal float
    private static final float EXP_LO = -87.3365478515625f;

    /**
     * {@code dst[i] = e^(scale·src[i] − shift)} for {@code n} values; returns their sum, added in a
     * fixed order. e^x is Cephes {@code expf} (x = n·ln2 + r, a degree-6 polynomial for e^r, 2^n
     * through the exponent bits), within about 1 ulp; arguments below -87.3 give 0, above 88 give
     * +inf (e^88 ≈ 1.65e38). Array in, array out: no vector crosses a method boundary, so C2 never
     * boxes one, and the tail uses masked lanes so every element gets the same arithmetic.
     */
    public static float exp(float[] src, int srcOff, float[] dst, int dstOff, int n, float scale, float shift) {
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < n; i += F.length()) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(F, src, srcOff + i, m).mul(scale).sub(shift);
            VectorMask<Float> under = x.lt(EXP_LO);
            VectorMask<Float> over = x.compare(VectorOperators.GT, EXP_HI);
            FloatVector xc = x.max(EXP_LO).min(EXP_HI);
            FloatVector k = xc.mul(LOG2E).add(ROUND_MAGIC).sub(ROUND_MAGIC);
            FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), xc);
            r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
            FloatVector z = r.mul(r);
            FloatVector y = r.fma(1.9875691500E-4f, 1.3981999507E-3f);
            y = y.fma(r, FloatVector.broadcast(F, 8.3334519073E-3f));
            y = y.fma(r, FloatVector.broadcast(F, 4.1665795894E-2f));
            y = y.fma(r, FloatVector.broadcast(F, 1.6666665459E-1f));
            y = y.fma(r, FloatVector.broadcast(F, 5.0000001201E-1f));
            y = y.fma(z, r).add(1f);
            IntVector bits = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127)
                    .lanewise(VectorOperators.LSHL, 23);
            FloatVector e = y.mul(bits.reinterpretAsFloats()).blend(0f, under).blend(Float.POSITIVE_INFINITY, over);
            e.intoArray(dst, dstOff + i, m);
            acc = acc.add(e.blend(0f, m.not()));
        }
        if (WIDE) {
            acc = acc.add(acc.rearrange(S8));
            acc = acc.add(acc.rearrange(S4));
            acc = acc.add(acc.rearrange(S2));
            acc = acc.add(acc.rearrange(S1));
            return acc.lane(0);
        }
        return sum(acc);
    }

    /** Scalar e^x with exactly the arithmetic of the array version. */
    public static float exp(float x) {
        float[] one = {x};
        exp(one, 0, one, 0, 1, 1f, 0f);
        return one[0];
    }
}
