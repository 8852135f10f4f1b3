package dev.jnim.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reductions whose result does not depend on the JIT. {@code FloatVector.reduceLanes(ADD)} may
 * sum lanes in a different order when interpreted and when compiled, so the same input could give
 * different logits before and after warm-up, which would break "same seed, same output" and
 * "same result alone or batched". This sums with a fixed butterfly of lane-wise adds instead,
 * which are exact IEEE operations in every execution mode.
 */
public final class VectorMath {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorShuffle<Float> S1;
    private static final VectorShuffle<Float> S2;
    private static final VectorShuffle<Float> S4;
    private static final VectorShuffle<Float> S8;

    static {
        S1 = VectorShuffle.fromOp(F, i -> i ^ 1);
        S2 = F.length() >= 4 ? VectorShuffle.fromOp(F, i -> i ^ 2) : null;
        S4 = F.length() >= 8 ? VectorShuffle.fromOp(F, i -> i ^ 4) : null;
        S8 = F.length() >= 16 ? VectorShuffle.fromOp(F, i -> i ^ 8) : null;
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
}
