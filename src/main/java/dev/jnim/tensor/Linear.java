package dev.jnim.tensor;

/** A linear layer {@code y = x·Wᵀ + b} with an optional bias, over T rows at once. */
public record Linear(Matrix weight, float[] bias) {

    public void apply(ComputePool pool, float[] x, int T, float[] y) {
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

    public int out() {
        return weight.rows();
    }

    public int in() {
        return weight.cols();
    }
}
