package dev.jnim.tensor;

/**
 * Bidirectional multi-head attention over a short contiguous sequence (vision encoders: every
 * patch sees every patch), {@code softmax(q·kᵀ·scale)·v} in float32. Rows of q, k, v are
 * {@code [seq × heads·headDim]}.
 */
public final class DenseAttention {

    private DenseAttention() {
    }

    /** Attends {@code seq} tokens with {@code heads} heads; writes {@code out} like q. Runs heads in parallel. */
    public static void attend(ComputePool pool, float[] q, float[] k, float[] v, int seq, int heads, int headDim,
                              float scale, float[] out) {
        int dim = heads * headDim;
        pool.parallelFor(seq * heads, 4, (s, e) -> {
            float[] scores = new float[seq];
            for (int i = s; i < e; i++) {
                int t = i / heads;
                int h = i % heads;
                int qo = t * dim + h * headDim;
                for (int j = 0; j < seq; j++) {
                    scores[j] = MatMul.dot(q, qo, k, j * dim + h * headDim, headDim) * scale;
                }
                Softmax.inPlace(scores, 0, seq);
                for (int d = 0; d < headDim; d++) {
                    out[qo + d] = 0;
                }
                for (int j = 0; j < seq; j++) {
                    float p = scores[j];
                    int vo = j * dim + h * headDim;
                    for (int d = 0; d < headDim; d++) {
                        out[qo + d] += p * v[vo + d];
                    }
                }
            }
        });
    }
}
