package dev.jnim.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Numerically stable softmax in float32 (max subtracted first), as {@code torch.softmax}. */
public final class Softmax {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private Softmax() {
    }

    /** In place over {@code x[off, off+n)}; returns the maximum that was subtracted. */
    public static float inPlace(float[] x, int off, int n) {
        int bound = F.loopBound(n);
        int L = F.length();
        float max = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (bound > 0) {
            FloatVector m = FloatVector.fromArray(F, x, off);
            for (i = L; i < bound; i += L) {
                m = m.max(FloatVector.fromArray(F, x, off + i));
            }
            max = m.reduceLanes(VectorOperators.MAX); // max is exact in any order
        }
        for (; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        float sum = VectorMath.exp(x, off, x, off, n, 1f, max);
        FloatVector s = FloatVector.broadcast(F, sum);
        for (i = 0; i < bound; i += L) {
            FloatVector.fromArray(F, x, off + i).div(s).intoArray(x, off + i); // divide, as the reference
        }
        for (; i < n; i++) {
            x[off + i] /= sum;
        }
        return max;
    }
}
