package dev.jnim.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Element-wise activations in float32, with {@link VectorMath#exp(float[], int, float[], int, int, float, float)}. */
public final class Activations {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int CHUNK = 1024;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[CHUNK]);

    private Activations() {
    }

    /** SwiGLU: {@code gate[i] = silu(gate[i]) * up[i]} with {@code silu(g) = g / (1 + e^-g)}. */
    public static void siluMul(float[] gate, float[] up, int n) {
        float[] e = SCRATCH.get();
        for (int c = 0; c < n; c += CHUNK) {
            int m = Math.min(CHUNK, n - c);
            VectorMath.exp(gate, c, e, 0, m, -1f, 0f);
            int i = 0;
            int bound = F.loopBound(m);
            for (; i < bound; i += F.length()) {
                FloatVector g = FloatVector.fromArray(F, gate, c + i);
                g.div(FloatVector.fromArray(F, e, i).add(1f)).mul(FloatVector.fromArray(F, up, c + i))
                        .intoArray(gate, c + i);
            }
            for (; i < m; i++) {
                gate[c + i] = gate[c + i] / (e[i] + 1f) * up[c + i];
            }
        }
    }

    /** SiLU of one value, with the same arithmetic as {@link #siluMul}. */
    public static float silu(float x) {
        return x / (VectorMath.exp(-x) + 1f);
    }
}
