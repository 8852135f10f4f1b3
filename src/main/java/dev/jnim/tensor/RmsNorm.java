package dev.jnim.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** RMSNorm as HF {@code LlamaRMSNorm}: {@code w * (x * rsqrt(mean(x²) + eps))}, in float32. */
public final class RmsNorm {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private RmsNorm() {
    }

    /** Normalises each of the T rows of {@code x} (length n) into {@code out}. */
    public static void apply(float[] x, float[] weight, float eps, int T, int n, float[] out) {
        for (int t = 0; t < T; t++) {
            row(x, t * n, weight, eps, n, out, t * n);
        }
    }

    /** Normalises one row. */
    public static void row(float[] x, int off, float[] weight, float eps, int n, float[] out, int outOff) {
        FloatVector acc = FloatVector.zero(F);
        int j = 0;
        int bound = F.loopBound(n);
        for (; j < bound; j += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, off + j);
            acc = v.fma(v, acc);
        }
        float ss = VectorMath.sum(acc);
        for (; j < n; j++) {
            ss += x[off + j] * x[off + j];
        }
        float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (j = 0; j < n; j++) {
            out[outOff + j] = weight[j] * (x[off + j] * inv);
        }
    }
}
