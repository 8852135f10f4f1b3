package dev.jnim.model;

import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.MatMul;
import dev.jnim.tensor.Matrix;
import dev.jnim.weights.WeightSource;

/** A linear layer {@code y = x·Wᵀ + b} with an optional bias, over T rows at once. */
record Linear(Matrix weight, float[] bias) {

    /** Loads {@code prefix.weight} {@code [out × in]} and, if {@code withBias}, {@code prefix.bias}. */
    static Linear load(WeightSource w, String prefix, int out, int in, boolean withBias, LoadOptions opts) {
        Matrix m = Matrix.of(w.get(prefix + ".weight", out, in));
        if (opts.quantize() != null) {
            m = m.quantizeQ8_0();
        }
        float[] b = withBias ? w.get(prefix + ".bias", out).toFloatArray() : null;
        return new Linear(m, b);
    }

    void apply(ComputePool pool, float[] x, int T, float[] y) {
        MatMul.matmul(pool, x, T, weight, y);
        if (bias != null) {
            int out = weight.rows();
            for (int t = 0; t < T; t++) {
                int o = t * out;
                for (int i = 0; i < out; i++) {
                    y[o + i] += bias[i];
                }
            }
        }
    }

    int out() {
        return weight.rows();
    }
}
