package dev.jnim.tensor;

/** A linear layer {@code y = x·Wᵀ + b} with an optional bias, over T rows at once. */
public record Linear(Matrix weight, float[] bias) {

    public void apply(ComputePool pool, float[] x, int T, float[] y) {
        MatMul.matmul(pool, x, T, weight, y);
        addBias(T, y);
    }

    /**
     * Applies several layers to the same input as one task on the pool (see
     * {@link MatMul#matmulAll}); {@code ys[i]} receives layer {@code i}'s output.
     */
    public static void applyAll(ComputePool pool, float[] x, int T, Linear[] layers, float[][] ys) {
        Matrix[] ws = new Matrix[layers.length];
        for (int i = 0; i < layers.length; i++) {
            ws[i] = layers[i].weight();
        }
        MatMul.matmulAll(pool, x, T, ws, ys);
        for (int i = 0; i < layers.length; i++) {
            layers[i].addBias(T, ys[i]);
        }
    }

    private void addBias(int T, float[] y) {
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
