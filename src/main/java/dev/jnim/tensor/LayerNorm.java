package dev.jnim.tensor;

/** LayerNorm as {@code torch.nn.LayerNorm}: {@code (x − mean) / sqrt(var + eps) · w + b}, biased variance, float32. */
public final class LayerNorm {

    private LayerNorm() {
    }

    /** Normalises each of the T rows of {@code x} (length n) into {@code out} (may be {@code x}). */
    public static void apply(float[] x, float[] weight, float[] bias, float eps, int T, int n, float[] out) {
        for (int t = 0; t < T; t++) {
            int off = t * n;
            float mean = 0;
            for (int i = 0; i < n; i++) {
                mean += x[off + i];
            }
            mean /= n;
            float var = 0;
            for (int i = 0; i < n; i++) {
                float d = x[off + i] - mean;
                var += d * d;
            }
            var /= n;
            float inv = (float) (1.0 / Math.sqrt(var + eps));
            for (int i = 0; i < n; i++) {
                float v = (x[off + i] - mean) * inv * weight[i];
                out[off + i] = bias == null ? v : v + bias[i];
            }
        }
    }
}
