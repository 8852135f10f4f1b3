package dev.jnim.tensor;

/**
 * The GELU variants of the reference models, in float32 as torch computes them:
 * {@code gelu} (exact, with erf), {@code gelu_pytorch_tanh} (tanh approximation) and CLIP's
 * {@code quick_gelu} ({@code x·σ(1.702x)}).
 */
public final class Gelu {

    private Gelu() {
    }

    /** Activation names as HF configs spell them ({@code hidden_act}, {@code projector_hidden_act}). */
    public enum Kind {
        GELU, GELU_TANH, QUICK_GELU;

        public static Kind of(String hfName) {
            return switch (hfName) {
                case "gelu" -> GELU;
                case "gelu_pytorch_tanh", "gelu_new", "gelu_fast" -> GELU_TANH;
                case "quick_gelu" -> QUICK_GELU;
                default -> throw new IllegalArgumentException("unsupported activation '" + hfName
                        + "' (supported: gelu, gelu_pytorch_tanh, quick_gelu)");
            };
        }
    }

    /** Applies {@code kind} in place to {@code x[0, n)}. */
    public static void apply(Kind kind, float[] x, int n) {
        switch (kind) {
            case GELU -> {
                for (int i = 0; i < n; i++) {
                    x[i] = (float) (0.5 * x[i] * (1.0 + erf(x[i] / Math.sqrt(2.0))));
                }
            }
            // 0.5·x·(1 + tanh(u)) = x / (1 + e^(−2u)), with u = √(2/π)·(x + 0.044715·x³): one vectorised exp.
            case GELU_TANH -> sigmoidGated(x, n, true);
            case QUICK_GELU -> sigmoidGated(x, n, false);
        }
    }

    private static final int CHUNK = 1024;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[CHUNK]);
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);

    /** {@code x / (1 + e^(−z))} with z = 2u (tanh GELU) or 1.702·x (quick GELU). */
    private static void sigmoidGated(float[] x, int n, boolean tanh) {
        float[] e = SCRATCH.get();
        for (int c = 0; c < n; c += CHUNK) {
            int m = Math.min(CHUNK, n - c);
            for (int i = 0; i < m; i++) {
                float v = x[c + i];
                e[i] = tanh ? 2f * SQRT_2_OVER_PI * (v + 0.044715f * v * v * v) : 1.702f * v;
            }
            VectorMath.exp(e, 0, e, 0, m, -1f, 0f);
            for (int i = 0; i < m; i++) {
                x[c + i] = x[c + i] / (1f + e[i]);
            }
        }
    }

    /**
     * erf(x) with relative error below 1.2e-7 everywhere (Numerical Recipes' erfc Chebyshev fit),
     * far below float32 resolution of the activations.
     */
    static double erf(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - r : r - 1.0;
    }
}
