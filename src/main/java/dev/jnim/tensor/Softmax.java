package dev.jnim.tensor;

/** Numerically stable softmax in float32 (max subtracted first), as {@code torch.softmax}. */
public final class Softmax {

    private Softmax() {
    }

    /** In place over {@code x[off, off+n)}; returns the maximum that was subtracted. */
    public static float inPlace(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        for (int i = 0; i < n; i++) {
            x[off + i] /= sum; // divide, not multiply by 1/sum: the reference divides
        }
        return max;
    }
}
