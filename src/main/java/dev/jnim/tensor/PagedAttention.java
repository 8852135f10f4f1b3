package dev.jnim.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal scaled-dot-product attention for one query token against keys and values stored in a
 * paged cache laid out {@code [block][slot][kvHead][headDim]} (float32), as HF eager attention
 * computes it: {@code softmax(q·kᵀ · scale) · v} in float32. One call handles the {@code group}
 * query heads that share one KV head (GQA/MQA), so each cached K and V row is read once for
 * the whole group.
 */
public final class PagedAttention {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** Where one layer's cached K/V live and how a position maps to memory. */
    public record CacheView(MemorySegment k, MemorySegment v, long layerBase, int blockSize, int blockStride,
                            int slotStride) {
        /** Element offset of {@code (position, head)} given the sequence's block table. */
        long offset(int[] blockTable, int position, int headOffset) {
            return layerBase + (long) blockTable[position / blockSize] * blockStride
                    + (long) (position % blockSize) * slotStride + headOffset;
        }
    }

    private PagedAttention() {
    }

    /**
     * Attends query heads {@code [kvHead*group, (kvHead+1)*group)} of one token (at {@code qOff} in
     * {@code q}, heads consecutive) over cache positions {@code [0, ctxLen)}; writes the group's
     * outputs at {@code outOff} in {@code out}. {@code scores} needs {@code group * ctxLen} floats.
     */
    public static void attend(float[] q, int qOff, int group, int headDim, int kvHead, CacheView cache,
                              int[] blockTable, int ctxLen, float scale, float[] scores, float[] out, int outOff) {
        int headOffset = kvHead * headDim;
        int bound = F.loopBound(headDim);
        if (VectorMath.WIDE && bound == headDim) {
            scoresWide(q, qOff, group, headDim, headOffset, cache, blockTable, ctxLen, scale, scores);
        } else {
            for (int j = 0; j < ctxLen; j++) {
                long kOff = cache.offset(blockTable, j, headOffset) * 4;
                for (int g = 0; g < group; g++) {
                    int qo = qOff + g * headDim;
                    FloatVector acc = FloatVector.zero(F);
                    int d = 0;
                    for (; d < bound; d += L) {
                        acc = FloatVector.fromArray(F, q, qo + d)
                                .fma(FloatVector.fromMemorySegment(F, cache.k(), kOff + 4L * d, NATIVE), acc);
                    }
                    float s = VectorMath.sum(acc);
                    for (; d < headDim; d++) {
                        s += q[qo + d] * cache.k().get(FLOAT, kOff + 4L * d);
                    }
                    scores[g * ctxLen + j] = s * scale;
                }
            }
        }
        for (int g = 0; g < group; g++) {
            Softmax.inPlace(scores, g * ctxLen, ctxLen);
            java.util.Arrays.fill(out, outOff + g * headDim, outOff + (g + 1) * headDim, 0f);
        }
        for (int j = 0; j < ctxLen; j++) {
            long vOff = cache.offset(blockTable, j, headOffset) * 4;
            for (int d = 0; d < bound; d += L) {
                FloatVector vv = FloatVector.fromMemorySegment(F, cache.v(), vOff + 4L * d, NATIVE);
                for (int g = 0; g < group; g++) {
                    int o = outOff + g * headDim + d;
                    FloatVector.broadcast(F, scores[g * ctxLen + j]).fma(vv, FloatVector.fromArray(F, out, o))
                            .intoArray(out, o);
                }
            }
            for (int d = bound; d < headDim; d++) {
                float vd = cache.v().get(FLOAT, vOff + 4L * d);
                for (int g = 0; g < group; g++) {
                    out[outOff + g * headDim + d] += scores[g * ctxLen + j] * vd;
                }
            }
        }
    }

    /**
     * q·k for every key, four keys at a time, with the 4-way butterfly of {@link VectorMath}
     * written inline (no vector leaves the method, so nothing is boxed). Same sums, bit for bit,
     * as the generic path.
     */
    private static void scoresWide(float[] q, int qOff, int group, int headDim, int headOffset, CacheView cache,
                                   int[] blockTable, int ctxLen, float scale, float[] scores) {
        MemorySegment k = cache.k();
        for (int g = 0; g < group; g++) {
            int qo = qOff + g * headDim;
            int row = g * ctxLen;
            int j = 0;
            for (; j + 4 <= ctxLen; j += 4) {
                long k0 = cache.offset(blockTable, j, headOffset) * 4;
                long k1 = cache.offset(blockTable, j + 1, headOffset) * 4;
                long k2 = cache.offset(blockTable, j + 2, headOffset) * 4;
                long k3 = cache.offset(blockTable, j + 3, headOffset) * 4;
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                for (int d = 0; d < headDim; d += L) {
                    FloatVector qv = FloatVector.fromArray(F, q, qo + d);
                    a0 = qv.fma(FloatVector.fromMemorySegment(F, k, k0 + 4L * d, NATIVE), a0);
                    a1 = qv.fma(FloatVector.fromMemorySegment(F, k, k1 + 4L * d, NATIVE), a1);
                    a2 = qv.fma(FloatVector.fromMemorySegment(F, k, k2 + 4L * d, NATIVE), a2);
                    a3 = qv.fma(FloatVector.fromMemorySegment(F, k, k3 + 4L * d, NATIVE), a3);
                }
                FloatVector x = a0.blend(a1, VectorMath.M8)
                        .add(a0.rearrange(VectorMath.S8).blend(a1.rearrange(VectorMath.S8), VectorMath.M8));
                FloatVector y = a2.blend(a3, VectorMath.M8)
                        .add(a2.rearrange(VectorMath.S8).blend(a3.rearrange(VectorMath.S8), VectorMath.M8));
                FloatVector z = x.blend(y, VectorMath.M4)
                        .add(x.rearrange(VectorMath.S4).blend(y.rearrange(VectorMath.S4), VectorMath.M4));
                z = z.add(z.rearrange(VectorMath.S2));
                z = z.add(z.rearrange(VectorMath.S1));
                scores[row + j] = z.lane(0) * scale;
                scores[row + j + 1] = z.lane(8) * scale;
                scores[row + j + 2] = z.lane(4) * scale;
                scores[row + j + 3] = z.lane(12) * scale;
            }
            for (; j < ctxLen; j++) {
                long k0 = cache.offset(blockTable, j, headOffset) * 4;
                FloatVector a0 = FloatVector.zero(F);
                for (int d = 0; d < headDim; d += L) {
                    a0 = FloatVector.fromArray(F, q, qo + d).fma(FloatVector.fromMemorySegment(F, k, k0 + 4L * d, NATIVE), a0);
                }
                a0 = a0.add(a0.rearrange(VectorMath.S8));
                a0 = a0.add(a0.rearrange(VectorMath.S4));
                a0 = a0.add(a0.rearrange(VectorMath.S2));
                a0 = a0.add(a0.rearrange(VectorMath.S1));
                scores[row + j] = a0.lane(0) * scale;
            }
        }
    }
}
