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
            case GELU_TANH -> {
                for (int i = 0; i < n; i++) {
                    double v = x[i];
                    x[i] = (float) (0.5 * v * (1.0 + Math.tanh(Math.sqrt(2.0 / Math.PI) * (v + 0.044715 * v * v * v))));
                }
            }
            case QUICK_GELU -> {
                for (int i = 0; i < n; i++) {
                    x[i] = x[i] / (1.0f + (float) Math.exp(-1.702f * x[i]));
                }
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
