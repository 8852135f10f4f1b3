package dev.jnim.tensor;

/** Element-wise activations, in float32 as torch computes them. */
public final class Activations {

    private Activations() {
    }

    /** SwiGLU: {@code gate[i] = silu(gate[i]) * up[i]} for {@code n} elements. */
    public static void siluMul(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = (g / (1.0f + (float) Math.exp(-g))) * up[i];
        }
    }

    /** SiLU of one value: {@code x * sigmoid(x)}. */
    public static float silu(float x) {
        return x / (1.0f + (float) Math.exp(-x));
    }
}
