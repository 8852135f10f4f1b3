package dev.jnim.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Bidirectional multi-head attention over a contiguous sequence (vision encoders: every patch sees
 * every patch), {@code softmax(q·kᵀ·scale)·v} in float32. Rows of q, k, v are
 * {@code [seq × heads·headDim]}. Each head is two matrix multiplies on the compute pool
 * ({@code q·kᵀ}, then {@code p·v}), so a 1,024-patch image runs at matmul speed.
 */
public final class DenseAttention {

    private DenseAttention() {
    }

    /** Attends {@code seq} tokens with {@code heads} heads; writes {@code out} like q. */
    public static void attend(ComputePool pool, float[] q, float[] k, float[] v, int seq, int heads, int headDim,
                              float scale, float[] out) {
        int dim = heads * headDim;
        float[] qh = new float[seq * headDim];
        float[] kh = new float[seq * headDim];
        float[] vt = new float[headDim * seq];
        float[] p = new float[seq * seq];
        float[] oh = new float[seq * headDim];
        for (int h = 0; h < heads; h++) {
            for (int t = 0; t < seq; t++) {
                System.arraycopy(q, t * dim + h * headDim, qh, t * headDim, headDim);
                System.arraycopy(k, t * dim + h * headDim, kh, t * headDim, headDim);
                for (int d = 0; d < headDim; d++) {
                    vt[d * seq + t] = v[t * dim + h * headDim + d];
                }
            }
            // scores[t][j] = q_t · k_j: k's rows act as the weight matrix [seq × headDim].
            MatMul.matmul(pool, qh, seq, matrix(kh, seq, headDim), p);
            pool.parallelFor(seq, 16, (s, e) -> {
                for (int t = s; t < e; t++) {
                    int o = t * seq;
                    for (int j = 0; j < seq; j++) {
                        p[o + j] *= scale;
                    }
                    Softmax.inPlace(p, o, seq);
                }
            });
            // out[t][d] = Σ_j p[t][j] · v[j][d]: vᵀ [headDim × seq] is the weight matrix.
            MatMul.matmul(pool, p, seq, matrix(vt, headDim, seq), oh);
            for (int t = 0; t < seq; t++) {
                System.arraycopy(oh, t * headDim, out, t * dim + h * headDim, headDim);
            }
        }
    }

    private static Matrix matrix(float[] a, int rows, int cols) {
        return new Matrix("attention", DType.F32, rows, cols, MemorySegment.ofArray(a), null);
    }
}
