package dev.jnim.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code out[T × rows] = x[T × cols] · Wᵀ} for a weight {@link Matrix} {@code [rows × cols]}: the
 * linear layer of every model, over all tokens of a step at once.
 *
 * <p>Each compute thread takes a chunk of weight rows, widens it once to float32 in a per-thread
 * scratch buffer (so each weight byte is read from memory once per call, whatever T is), then
 * multiplies it with all T activation rows in a 4-rows × 4-tokens register tile. Batching wins
 * because the weight read, which dominates decode, is shared by every token of the step.
 */
public final class MatMul {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private MatMul() {
    }

    /** Multiplies on the pool; {@code x} holds T rows of {@code w.cols()}, {@code out} T rows of {@code w.rows()}. */
    public static void matmul(ComputePool pool, float[] x, int T, Matrix w, float[] out) {
        int rows = w.rows();
        int cols = w.cols();
        if (x.length < T * cols || out.length < T * rows) {
            throw new IllegalArgumentException(w.name() + ": buffers too small for T=" + T);
        }
        int chunkRows = T > 8 ? 16 : 4;
        int chunks = (rows + chunkRows - 1) / chunkRows;
        pool.parallelFor(chunks, 1, (s, e) -> {
            float[] scratch = scratch(chunkRows * cols);
            for (int c = s; c < e; c++) {
                int r0 = c * chunkRows;
                int nr = Math.min(chunkRows, rows - r0);
                RowDecoder.decode(w, r0, nr, scratch);
                multiplyChunk(scratch, nr, cols, x, T, out, rows, r0);
            }
        });
    }

    private static float[] scratch(int size) {
        float[][] holder = SCRATCH.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }

    private static void multiplyChunk(float[] w, int nr, int cols, float[] x, int T, float[] out, int outStride, int r0) {
        for (int t = 0; t < T; t += 4) {
            int nt = Math.min(4, T - t);
            for (int r = 0; r < nr; r += 4) {
                int nrr = Math.min(4, nr - r);
                if (nt == 4 && nrr == 4) {
                    tile4x4(w, r * cols, x, t * cols, cols, out, t * outStride + r0 + r, outStride);
                } else {
                    for (int ti = 0; ti < nt; ti++) {
                        for (int ri = 0; ri < nrr; ri++) {
                            out[(t + ti) * outStride + r0 + r + ri] = dot(w, (r + ri) * cols, x, (t + ti) * cols, cols);
                        }
                    }
                }
            }
        }
    }

    /** Dot product of two float rows, vectorised. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int j = 0;
        int bound = F.loopBound(n);
        for (; j < bound; j += L) {
            acc = FloatVector.fromArray(F, a, aOff + j).fma(FloatVector.fromArray(F, b, bOff + j), acc);
        }
        float sum = VectorMath.sum(acc);
        for (; j < n; j++) {
            sum += a[aOff + j] * b[bOff + j];
        }
        return sum;
    }

    private static void tile4x4(float[] w, int wOff, float[] x, int xOff, int cols, float[] out, int outOff, int outStride) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int w1 = wOff + cols, w2 = w1 + cols, w3 = w2 + cols;
        int x1 = xOff + cols, x2 = x1 + cols, x3 = x2 + cols;
        int bound = F.loopBound(cols);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector v0 = FloatVector.fromArray(F, w, wOff + j);
            FloatVector v1 = FloatVector.fromArray(F, w, w1 + j);
            FloatVector v2 = FloatVector.fromArray(F, w, w2 + j);
            FloatVector v3 = FloatVector.fromArray(F, w, w3 + j);
            FloatVector u = FloatVector.fromArray(F, x, xOff + j);
            a00 = v0.fma(u, a00); a01 = v1.fma(u, a01); a02 = v2.fma(u, a02); a03 = v3.fma(u, a03);
            u = FloatVector.fromArray(F, x, x1 + j);
            a10 = v0.fma(u, a10); a11 = v1.fma(u, a11); a12 = v2.fma(u, a12); a13 = v3.fma(u, a13);
            u = FloatVector.fromArray(F, x, x2 + j);
            a20 = v0.fma(u, a20); a21 = v1.fma(u, a21); a22 = v2.fma(u, a22); a23 = v3.fma(u, a23);
            u = FloatVector.fromArray(F, x, x3 + j);
            a30 = v0.fma(u, a30); a31 = v1.fma(u, a31); a32 = v2.fma(u, a32); a33 = v3.fma(u, a33);
        }
        int o0 = outOff, o1 = o0 + outStride, o2 = o1 + outStride, o3 = o2 + outStride;
        out[o0] = VectorMath.sum(a00);
        out[o0 + 1] = VectorMath.sum(a01);
        out[o0 + 2] = VectorMath.sum(a02);
        out[o0 + 3] = VectorMath.sum(a03);
        out[o1] = VectorMath.sum(a10);
        out[o1 + 1] = VectorMath.sum(a11);
        out[o1 + 2] = VectorMath.sum(a12);
        out[o1 + 3] = VectorMath.sum(a13);
        out[o2] = VectorMath.sum(a20);
        out[o2 + 1] = VectorMath.sum(a21);
        out[o2 + 2] = VectorMath.sum(a22);
        out[o2 + 3] = VectorMath.sum(a23);
        out[o3] = VectorMath.sum(a30);
        out[o3 + 1] = VectorMath.sum(a31);
        out[o3 + 2] = VectorMath.sum(a32);
        out[o3 + 3] = VectorMath.sum(a33);
        for (; j < cols; j++) { // tail when cols is not a multiple of the vector length
            for (int ti = 0; ti < 4; ti++) {
                for (int ri = 0; ri < 4; ri++) {
                    out[outOff + ti * outStride + ri] += w[wOff + ri * cols + j] * x[xOff + ti * cols + j];
                }
            }
        }
    }

    /** Scalar reference (double accumulation) used by the tests. */
    public static void reference(float[] x, int T, Matrix w, float[] out) {
        float[] row = new float[w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            RowDecoder.decodeScalar(w, r, row, 0);
            for (int t = 0; t < T; t++) {
                double sum = 0;
                for (int j = 0; j < w.cols(); j++) {
                    sum += (double) row[j] * x[t * w.cols() + j];
                }
                out[t * w.rows() + r] = (float) sum;
            }
        }
    }
}
