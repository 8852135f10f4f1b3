package dev.jnim.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Element-wise activations in float32, vectorised with {@link VectorMath#exp}. */
public final class Activations {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private Activations() {
    }

    /** SwiGLU: {@code gate[i] = silu(gate[i]) * up[i]} for {@code n} elements. */
    public static void siluMul(float[] gate, float[] up, int n) {
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += F.length()) {
            FloatVector g = FloatVector.fromArray(F, gate, i);
            FloatVector e = VectorMath.exp(g.neg());
            g.div(e.add(1f)).mul(FloatVector.fromArray(F, up, i)).intoArray(gate, i);
        }
        for (; i < n; i++) {
            gate[i] = silu(gate[i]) * up[i];
        }
    }

    /** SiLU of one value, {@code x / (1 + e^-x)}, with the same arithmetic as the vector path. */
    public static float silu(float x) {
        return x / (VectorMath.exp(-x) + 1f);
    }
}
