package dev.jnim.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code out[T × rows] = x[T × cols] · Wᵀ} for a weight {@link Matrix} {@code [rows × cols]}: the
 * linear layer of every model, over all tokens of a step at once.
 *
 * <p>Each compute thread takes a chunk of weight rows, widens it once to float32 in a per-thread
 * scratch buffer (so each weight byte is read from memory once per call, whatever T is), then
 * multiplies it with all T activation rows in a 4-rows × 4-tokens register tile. Batching wins
 * because the weight read, which dominates decode, is shared by every token of the step. A
 * single token (batch-1 decode) instead streams the weights straight from memory into four
 * row accumulators. Matrices in row panels (Q8_0, and BF16 linear layers as loaded) are
 * multiplied by {@link Panels} instead; the paths here serve the rest (F32 and F16 weights, BF16
 * matrices that are not linear layers, such as patch embeddings).
 *
 * <p>Results are bit-identical whatever T and the thread split: every output element is one
 * vector FMA chain over the row in the same order, then the fixed-order {@link VectorMath#sum}
 * (in {@link Panels}, one FMA chain per lane).
 *
 * <p>Threading: called by one thread at a time (the pool's driver), like {@link ComputePool}.
 */
public final class MatMul {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = RowDecoder.I;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Up to this many tokens, BF16 weights are widened in registers rather than into a scratch copy (measured: 1.5-2.5x faster at T = 16 and 32, even at 64). */
    private static final int TOKEN_BLOCK = 32;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private MatMul() {
    }

    /** Multiplies on the pool; {@code x} holds T rows of {@code w.cols()}, {@code out} T rows of {@code w.rows()}. */
    public static void matmul(ComputePool pool, float[] x, int T, Matrix weights, float[] out) {
        matmulAll(pool, x, T, new Matrix[] {weights}, new float[][] {out});
    }

    /**
     * Multiplies the same activations by several weights (q, k and v; gate and up) as one task on
     * the pool: one hand-out of work and one wait instead of one per matrix. Each output is
     * bit-identical to a separate {@link #matmul}. Weights of different dtypes or input sizes are
     * multiplied one after the other.
     */
    public static void matmulAll(ComputePool pool, float[] x, int T, Matrix[] weights, float[][] outs) {
        if (weights.length != outs.length) {
            throw new IllegalArgumentException("one output per weight expected");
        }
        for (Matrix m : weights) {
            if (m.dtype() != weights[0].dtype() || m.cols() != weights[0].cols() || m.panels() != weights[0].panels()) {
                for (int i = 0; i < weights.length; i++) {
                    matmulAll(pool, x, T, new Matrix[] {weights[i]}, new float[][] {outs[i]});
                }
                return;
            }
        }
        Matrix[] views = new Matrix[weights.length];
        try {
            for (int i = 0; i < views.length; i++) {
                views[i] = weights[i].unscopedView();
            }
            multiply(pool, x, T, views, outs);
        } finally {
            java.lang.ref.Reference.reachabilityFence(weights); // keeps an automatic arena's memory alive
        }
    }

    private enum Path { GEMV, TILES, PANELS, SCRATCH }

    private static void multiply(ComputePool pool, float[] x, int T, Matrix[] ws, float[][] outs) {
        Matrix w0 = ws[0];
        int cols = w0.cols();
        for (int i = 0; i < ws.length; i++) {
            if (x.length < T * cols || outs[i].length < T * ws[i].rows()) {
                throw new IllegalArgumentException(ws[i].name() + ": buffers too small for T=" + T);
            }
        }
        float[] xs = x;
        int streams = RowDecoder.streams(w0);
        if (streams > 1) {
            xs = activationCopy(T * cols);
            RowDecoder.packActivations(x, T, cols, streams, xs);
        }
        float[] xin = xs;
        float[] xt = null;
        if (w0.panels() && T >= Panels.WIDEN_ONCE) {
            xt = activationCopy(Panels.interleavedSize(T, cols)); // panels have one stream: the copy is free
            Panels.interleave(x, T, cols, xt);
        }
        float[] xInterleaved = xt;
        Path path = w0.panels() ? Path.PANELS
                : T == 1 && fusedGemv(w0) ? Path.GEMV
                : tiled(w0, streams) ? Path.TILES
                : Path.SCRATCH;
        int unit = switch (path) { // weight rows per work item
            case PANELS -> T >= Panels.WIDEN_ONCE ? 2 * Panels.PANEL : 4 * Panels.PANEL;
            case SCRATCH -> T > 8 ? 16 : 4;
            default -> 4;
        };
        int[] first = new int[ws.length + 1]; // first work item of each matrix (in one token block)
        for (int i = 0; i < ws.length; i++) {
            first[i + 1] = first[i] + (ws[i].rows() + unit - 1) / unit;
        }
        int groups = first[ws.length];
        // Tiles go through the tokens in blocks of TOKEN_BLOCK (all weights for one block, then the
        // next), so the activations a tile reads stay in the core's caches however long the prompt.
        int tokenBlocks = path == Path.TILES || path == Path.PANELS ? (T + TOKEN_BLOCK - 1) / TOKEN_BLOCK : 1;
        int grain = switch (path) {
            case GEMV -> 8;
            case TILES -> 4;
            case PANELS -> 1;
            case SCRATCH -> 1;
        };
        pool.parallelFor(tokenBlocks * groups, grain, (s, e) -> {
            for (int item = s; item < e; item++) {
                int tb = item / groups;
                int g = item - tb * groups;
                int m = 0;
                while (g >= first[m + 1]) {
                    m++;
                }
                Matrix w = ws[m];
                int r0 = (g - first[m]) * unit;
                int n = Math.min(unit, w.rows() - r0);
                switch (path) {
                    case GEMV -> gemvRows(w, r0, n, xin, outs[m]);
                    case TILES -> tiledRows(w, r0, n, xin, tb * TOKEN_BLOCK, Math.min(T, (tb + 1) * TOKEN_BLOCK), outs[m]);
                    case PANELS -> Panels.multiplyPanel(w, r0 / Panels.PANEL, unit / Panels.PANEL, xin, xInterleaved, tb * TOKEN_BLOCK,
                            Math.min(T, (tb + 1) * TOKEN_BLOCK), outs[m]);
                    case SCRATCH -> {
                        float[] scratch = scratch(unit * cols);
                        RowDecoder.decodePacked(w, r0, n, scratch);
                        multiplyChunk(scratch, n, cols, xin, T, outs[m], w.rows(), r0);
                    }
                }
            }
        });
    }

    /**
     * True when rows of {@code w} are multiplied in 4×4 register tiles straight from memory: packed
     * BF16 rows (widened in registers) and float32 rows of whole vectors. (Q8_0 has its own
     * layout and kernel, {@link Panels}.)
     */
    private static boolean tiled(Matrix w, int streams) {
        return VectorMath.WIDE && (w.dtype() == DType.BF16 && streams > 1 || w.dtype() == DType.F32 && w.cols() % L == 0);
    }

    private static float[] scratch(int size) {
        float[][] holder = SCRATCH.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }

    // The reordered copy of the activations (packed streams, or interleaved tokens for panels; one
    // call needs at most one); matmul is driven by one thread at a time (see ComputePool).
    private static float[] activationCopy = new float[0];

    private static float[] activationCopy(int n) {
        if (activationCopy.length < n) {
            activationCopy = new float[n];
        }
        return activationCopy;
    }

    private static boolean fusedGemv(Matrix w) {
        return switch (w.dtype()) {
            case F32 -> true;
            case BF16 -> RowDecoder.packed(w);
            case F16, Q8_0 -> false;
        };
    }

    /**
     * One token times {@code n ≤ 4} weight rows, reading the weights straight from memory (no
     * scratch copy): the decode case, where the weight read is the whole cost. One small method
     * per dtype, with no vector-typed calls inside the loops, so that C2 inlines everything
     * (a vector passed to a method that is not inlined is boxed, which is very slow).
     */
    private static void gemvRows(Matrix w, int r0, int n, float[] x, float[] out) {
        if (n < 4 || (w.dtype() == DType.F32 && w.cols() % L != 0)) {
            for (int i = 0; i < n; i++) {
                out[r0 + i] = gemvRow(w, r0 + i, x);
            }
            return;
        }
        switch (w.dtype()) {
            case BF16 -> gemv4Bf16(w.data(), w.cols(), r0, x, out);
            default -> gemv4F32(w.data(), w.cols(), r0, x, out);
        }
    }

    private static void gemv4Bf16(MemorySegment seg, int cols, int r0, float[] x, float[] out) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long b0 = (long) r0 * cols * 2, b1 = b0 + cols * 2L, b2 = b1 + cols * 2L, b3 = b2 + cols * 2L;
        for (int j = 0; j < cols; j += 2 * L) {
            FloatVector xe = FloatVector.fromArray(F, x, j);
            FloatVector xo = FloatVector.fromArray(F, x, j + L);
            IntVector v0 = IntVector.fromMemorySegment(I, seg, b0 + 2L * j, LE);
            IntVector v1 = IntVector.fromMemorySegment(I, seg, b1 + 2L * j, LE);
            IntVector v2 = IntVector.fromMemorySegment(I, seg, b2 + 2L * j, LE);
            IntVector v3 = IntVector.fromMemorySegment(I, seg, b3 + 2L * j, LE);
            a0 = v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a0);
            a1 = v1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a1);
            a2 = v2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a2);
            a3 = v3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a3);
            a0 = v0.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats().fma(xo, a0);
            a1 = v1.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats().fma(xo, a1);
            a2 = v2.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats().fma(xo, a2);
            a3 = v3.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats().fma(xo, a3);
        }
        if (VectorMath.WIDE) {
            FloatVector xv = a0.blend(a1, VectorMath.M8)
                    .add(a0.rearrange(VectorMath.S8).blend(a1.rearrange(VectorMath.S8), VectorMath.M8));
            FloatVector yv = a2.blend(a3, VectorMath.M8)
                    .add(a2.rearrange(VectorMath.S8).blend(a3.rearrange(VectorMath.S8), VectorMath.M8));
            FloatVector z = xv.blend(yv, VectorMath.M4)
                    .add(xv.rearrange(VectorMath.S4).blend(yv.rearrange(VectorMath.S4), VectorMath.M4));
            z = z.add(z.rearrange(VectorMath.S2));
            z = z.add(z.rearrange(VectorMath.S1));
            out[r0] = z.lane(0);
            out[r0 + 1] = z.lane(8);
            out[r0 + 2] = z.lane(4);
            out[r0 + 3] = z.lane(12);
        } else {
            store4(out, r0, a0, a1, a2, a3);
        }
    }

    /**
     * Rows {@code [r0, r0+n)} times tokens {@code [t0, t1)}, straight from memory: 4×4 register
     * tiles for full groups, {@link #dot} on a widened row for the rest. The weight rows (a few KB)
     * stay in L1 between token groups, so memory is still read once per token block.
     */
    private static void tiledRows(Matrix w, int r0, int n, float[] x, int t0, int t1, float[] out) {
        int cols = w.cols();
        int rows = w.rows();
        int t = t0;
        if (n == 4) {
            for (; t + 4 <= t1; t += 4) {
                switch (w.dtype()) {
                    case F32 -> tile4x4F32Seg(w.data(), (long) r0 * cols * 4, cols, x, t * cols, out, t * rows + r0, rows);
                    default -> tile4x4Bf16(w.data(), (long) r0 * cols * 2, cols, x, t * cols, out, t * rows + r0, rows);
                }
            }
        }
        if (t < t1) {
            float[] s = scratch(n * cols);
            RowDecoder.decodePacked(w, r0, n, s);
            for (; t < t1; t++) {
                for (int i = 0; i < n; i++) {
                    out[t * rows + r0 + i] = dot(s, i * cols, x, t * cols, cols);
                }
            }
        }
    }

    /** The 4-rows × 4-tokens tile for float32 rows read from a memory segment (row stride {@code cols}). */
    private static void tile4x4F32Seg(MemorySegment seg, long rowOff, int cols, float[] x, int xOff,
                                      float[] out, int outOff, int outStride) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        long b1 = rowOff + cols * 4L, b2 = b1 + cols * 4L, b3 = b2 + cols * 4L;
        int x1 = xOff + cols, x2 = x1 + cols, x3 = x2 + cols;
        for (int j = 0; j < cols; j += L) {
            FloatVector v0 = FloatVector.fromMemorySegment(F, seg, rowOff + 4L * j, LE);
            FloatVector v1 = FloatVector.fromMemorySegment(F, seg, b1 + 4L * j, LE);
            FloatVector v2 = FloatVector.fromMemorySegment(F, seg, b2 + 4L * j, LE);
            FloatVector v3 = FloatVector.fromMemorySegment(F, seg, b3 + 4L * j, LE);
            FloatVector u = FloatVector.fromArray(F, x, xOff + j);
            a00 = v0.fma(u, a00); a01 = v1.fma(u, a01); a02 = v2.fma(u, a02); a03 = v3.fma(u, a03);
            u = FloatVector.fromArray(F, x, x1 + j);
            a10 = v0.fma(u, a10); a11 = v1.fma(u, a11); a12 = v2.fma(u, a12); a13 = v3.fma(u, a13);
            u = FloatVector.fromArray(F, x, x2 + j);
            a20 = v0.fma(u, a20); a21 = v1.fma(u, a21); a22 = v2.fma(u, a22); a23 = v3.fma(u, a23);
            u = FloatVector.fromArray(F, x, x3 + j);
            a30 = v0.fma(u, a30); a31 = v1.fma(u, a31); a32 = v2.fma(u, a32); a33 = v3.fma(u, a33);
        }
        // One 4-way butterfly per token (see VectorMath), inline so no vector escapes.
        FloatVector h0 = a00.blend(a01, VectorMath.M8)
                .add(a00.rearrange(VectorMath.S8).blend(a01.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector y0 = a02.blend(a03, VectorMath.M8)
                .add(a02.rearrange(VectorMath.S8).blend(a03.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector z0 = h0.blend(y0, VectorMath.M4)
                .add(h0.rearrange(VectorMath.S4).blend(y0.rearrange(VectorMath.S4), VectorMath.M4));
        z0 = z0.add(z0.rearrange(VectorMath.S2));
        z0 = z0.add(z0.rearrange(VectorMath.S1));
        int q0 = outOff + 0 * outStride;
        out[q0] = z0.lane(0);
        out[q0 + 1] = z0.lane(8);
        out[q0 + 2] = z0.lane(4);
        out[q0 + 3] = z0.lane(12);
        FloatVector h1 = a10.blend(a11, VectorMath.M8)
                .add(a10.rearrange(VectorMath.S8).blend(a11.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector y1 = a12.blend(a13, VectorMath.M8)
                .add(a12.rearrange(VectorMath.S8).blend(a13.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector z1 = h1.blend(y1, VectorMath.M4)
                .add(h1.rearrange(VectorMath.S4).blend(y1.rearrange(VectorMath.S4), VectorMath.M4));
        z1 = z1.add(z1.rearrange(VectorMath.S2));
        z1 = z1.add(z1.rearrange(VectorMath.S1));
        int q1 = outOff + 1 * outStride;
        out[q1] = z1.lane(0);
        out[q1 + 1] = z1.lane(8);
        out[q1 + 2] = z1.lane(4);
        out[q1 + 3] = z1.lane(12);
        FloatVector h2 = a20.blend(a21, VectorMath.M8)
                .add(a20.rearrange(VectorMath.S8).blend(a21.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector y2 = a22.blend(a23, VectorMath.M8)
                .add(a22.rearrange(VectorMath.S8).blend(a23.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector z2 = h2.blend(y2, VectorMath.M4)
                .add(h2.rearrange(VectorMath.S4).blend(y2.rearrange(VectorMath.S4), VectorMath.M4));
        z2 = z2.add(z2.rearrange(VectorMath.S2));
        z2 = z2.add(z2.rearrange(VectorMath.S1));
        int q2 = outOff + 2 * outStride;
        out[q2] = z2.lane(0);
        out[q2 + 1] = z2.lane(8);
        out[q2 + 2] = z2.lane(4);
        out[q2 + 3] = z2.lane(12);
        FloatVector h3 = a30.blend(a31, VectorMath.M8)
                .add(a30.rearrange(VectorMath.S8).blend(a31.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector y3 = a32.blend(a33, VectorMath.M8)
                .add(a32.rearrange(VectorMath.S8).blend(a33.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector z3 = h3.blend(y3, VectorMath.M4)
                .add(h3.rearrange(VectorMath.S4).blend(y3.rearrange(VectorMath.S4), VectorMath.M4));
        z3 = z3.add(z3.rearrange(VectorMath.S2));
        z3 = z3.add(z3.rearrange(VectorMath.S1));
        int q3 = outOff + 3 * outStride;
        out[q3] = z3.lane(0);
        out[q3 + 1] = z3.lane(8);
        out[q3 + 2] = z3.lane(4);
        out[q3 + 3] = z3.lane(12);
    }


    /** The 4-rows × 4-tokens tile of {@link #tile4x4}, widening packed BF16 rows in registers. */
    private static void tile4x4Bf16(MemorySegment seg, long rowOff, int cols, float[] x, int xOff, float[] out,
                                    int outOff, int outStride) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        long b1 = rowOff + cols * 2L, b2 = b1 + cols * 2L, b3 = b2 + cols * 2L;
        int x1 = xOff + cols, x2 = x1 + cols, x3 = x2 + cols;
        for (int j = 0; j < cols; j += 2 * L) {
            IntVector i0 = IntVector.fromMemorySegment(I, seg, rowOff + 2L * j, LE);
            IntVector i1 = IntVector.fromMemorySegment(I, seg, b1 + 2L * j, LE);
            IntVector i2 = IntVector.fromMemorySegment(I, seg, b2 + 2L * j, LE);
            IntVector i3 = IntVector.fromMemorySegment(I, seg, b3 + 2L * j, LE);
            // Even elements of the block first, then odd ones: the packed order (see RowDecoder).
            FloatVector v0 = i0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector v1 = i1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector v2 = i2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector v3 = i3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector u = FloatVector.fromArray(F, x, xOff + j);
            a00 = v0.fma(u, a00); a01 = v1.fma(u, a01); a02 = v2.fma(u, a02); a03 = v3.fma(u, a03);
            u = FloatVector.fromArray(F, x, x1 + j);
            a10 = v0.fma(u, a10); a11 = v1.fma(u, a11); a12 = v2.fma(u, a12); a13 = v3.fma(u, a13);
            u = FloatVector.fromArray(F, x, x2 + j);
            a20 = v0.fma(u, a20); a21 = v1.fma(u, a21); a22 = v2.fma(u, a22); a23 = v3.fma(u, a23);
            u = FloatVector.fromArray(F, x, x3 + j);
            a30 = v0.fma(u, a30); a31 = v1.fma(u, a31); a32 = v2.fma(u, a32); a33 = v3.fma(u, a33);
            v0 = i0.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats();
            v1 = i1.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats();
            v2 = i2.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats();
            v3 = i3.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats();
            u = FloatVector.fromArray(F, x, xOff + j + L);
            a00 = v0.fma(u, a00); a01 = v1.fma(u, a01); a02 = v2.fma(u, a02); a03 = v3.fma(u, a03);
            u = FloatVector.fromArray(F, x, x1 + j + L);
            a10 = v0.fma(u, a10); a11 = v1.fma(u, a11); a12 = v2.fma(u, a12); a13 = v3.fma(u, a13);
            u = FloatVector.fromArray(F, x, x2 + j + L);
            a20 = v0.fma(u, a20); a21 = v1.fma(u, a21); a22 = v2.fma(u, a22); a23 = v3.fma(u, a23);
            u = FloatVector.fromArray(F, x, x3 + j + L);
            a30 = v0.fma(u, a30); a31 = v1.fma(u, a31); a32 = v2.fma(u, a32); a33 = v3.fma(u, a33);
        }
        // One 4-way butterfly per token (see VectorMath), inline so no vector escapes.
        FloatVector h0 = a00.blend(a01, VectorMath.M8)
                .add(a00.rearrange(VectorMath.S8).blend(a01.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector y0 = a02.blend(a03, VectorMath.M8)
                .add(a02.rearrange(VectorMath.S8).blend(a03.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector z0 = h0.blend(y0, VectorMath.M4)
                .add(h0.rearrange(VectorMath.S4).blend(y0.rearrange(VectorMath.S4), VectorMath.M4));
        z0 = z0.add(z0.rearrange(VectorMath.S2));
        z0 = z0.add(z0.rearrange(VectorMath.S1));
        int q0 = outOff + 0 * outStride;
        out[q0] = z0.lane(0);
        out[q0 + 1] = z0.lane(8);
        out[q0 + 2] = z0.lane(4);
        out[q0 + 3] = z0.lane(12);
        FloatVector h1 = a10.blend(a11, VectorMath.M8)
                .add(a10.rearrange(VectorMath.S8).blend(a11.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector y1 = a12.blend(a13, VectorMath.M8)
                .add(a12.rearrange(VectorMath.S8).blend(a13.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector z1 = h1.blend(y1, VectorMath.M4)
                .add(h1.rearrange(VectorMath.S4).blend(y1.rearrange(VectorMath.S4), VectorMath.M4));
        z1 = z1.add(z1.rearrange(VectorMath.S2));
        z1 = z1.add(z1.rearrange(VectorMath.S1));
        int q1 = outOff + 1 * outStride;
        out[q1] = z1.lane(0);
        out[q1 + 1] = z1.lane(8);
        out[q1 + 2] = z1.lane(4);
        out[q1 + 3] = z1.lane(12);
        FloatVector h2 = a20.blend(a21, VectorMath.M8)
                .add(a20.rearrange(VectorMath.S8).blend(a21.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector y2 = a22.blend(a23, VectorMath.M8)
                .add(a22.rearrange(VectorMath.S8).blend(a23.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector z2 = h2.blend(y2, VectorMath.M4)
                .add(h2.rearrange(VectorMath.S4).blend(y2.rearrange(VectorMath.S4), VectorMath.M4));
        z2 = z2.add(z2.rearrange(VectorMath.S2));
        z2 = z2.add(z2.rearrange(VectorMath.S1));
        int q2 = outOff + 2 * outStride;
        out[q2] = z2.lane(0);
        out[q2 + 1] = z2.lane(8);
        out[q2 + 2] = z2.lane(4);
        out[q2 + 3] = z2.lane(12);
        FloatVector h3 = a30.blend(a31, VectorMath.M8)
                .add(a30.rearrange(VectorMath.S8).blend(a31.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector y3 = a32.blend(a33, VectorMath.M8)
                .add(a32.rearrange(VectorMath.S8).blend(a33.rearrange(VectorMath.S8), VectorMath.M8));
        FloatVector z3 = h3.blend(y3, VectorMath.M4)
                .add(h3.rearrange(VectorMath.S4).blend(y3.rearrange(VectorMath.S4), VectorMath.M4));
        z3 = z3.add(z3.rearrange(VectorMath.S2));
        z3 = z3.add(z3.rearrange(VectorMath.S1));
        int q3 = outOff + 3 * outStride;
        out[q3] = z3.lane(0);
        out[q3 + 1] = z3.lane(8);
        out[q3 + 2] = z3.lane(4);
        out[q3 + 3] = z3.lane(12);
    }

    private static void gemv4F32(MemorySegment seg, int cols, int r0, float[] x, float[] out) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long b0 = (long) r0 * cols * 4, b1 = b0 + cols * 4L, b2 = b1 + cols * 4L, b3 = b2 + cols * 4L;
        for (int j = 0; j < cols; j += L) {
            FloatVector xv = FloatVector.fromArray(F, x, j);
            a0 = FloatVector.fromMemorySegment(F, seg, b0 + 4L * j, LE).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(F, seg, b1 + 4L * j, LE).fma(xv, a1);
            a2 = FloatVector.fromMemorySegment(F, seg, b2 + 4L * j, LE).fma(xv, a2);
            a3 = FloatVector.fromMemorySegment(F, seg, b3 + 4L * j, LE).fma(xv, a3);
        }
        if (VectorMath.WIDE) {
            FloatVector xv = a0.blend(a1, VectorMath.M8)
                    .add(a0.rearrange(VectorMath.S8).blend(a1.rearrange(VectorMath.S8), VectorMath.M8));
            FloatVector yv = a2.blend(a3, VectorMath.M8)
                    .add(a2.rearrange(VectorMath.S8).blend(a3.rearrange(VectorMath.S8), VectorMath.M8));
            FloatVector z = xv.blend(yv, VectorMath.M4)
                    .add(xv.rearrange(VectorMath.S4).blend(yv.rearrange(VectorMath.S4), VectorMath.M4));
            z = z.add(z.rearrange(VectorMath.S2));
            z = z.add(z.rearrange(VectorMath.S1));
            out[r0] = z.lane(0);
            out[r0 + 1] = z.lane(8);
            out[r0 + 2] = z.lane(4);
            out[r0 + 3] = z.lane(12);
        } else {
            store4(out, r0, a0, a1, a2, a3);
        }
    }

    private static void store4(float[] out, int r0, FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3) {
        out[r0] = VectorMath.sum(a0);
        out[r0 + 1] = VectorMath.sum(a1);
        out[r0 + 2] = VectorMath.sum(a2);
        out[r0 + 3] = VectorMath.sum(a3);
    }

    /** One row: the same arithmetic as the scratch path (decode, then {@link #dot}). */
    private static float gemvRow(Matrix w, int row, float[] x) {
        float[] s = scratch(w.cols());
        RowDecoder.decodePacked(w, row, 1, s);
        return dot(s, 0, x, 0, w.cols());
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
        float sum;
        if (VectorMath.WIDE) {
            acc = acc.add(acc.rearrange(VectorMath.S8));
            acc = acc.add(acc.rearrange(VectorMath.S4));
            acc = acc.add(acc.rearrange(VectorMath.S2));
            acc = acc.add(acc.rearrange(VectorMath.S1));
            sum = acc.lane(0);
        } else {
            sum = VectorMath.sum(acc);
        }
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
        if (VectorMath.WIDE) {
            // One 4-way butterfly per token (see VectorMath), inline so no vector escapes.
            FloatVector h0 = a00.blend(a01, VectorMath.M8)
                    .add(a00.rearrange(VectorMath.S8).blend(a01.rearrange(VectorMath.S8), VectorMath.M8));
            FloatVector y0 = a02.blend(a03, VectorMath.M8)
                    .add(a02.rearrange(VectorMath.S8).blend(a03.rearrange(VectorMath.S8), VectorMath.M8));
            FloatVector z0 = h0.blend(y0, VectorMath.M4)
                    .add(h0.rearrange(VectorMath.S4).blend(y0.rearrange(VectorMath.S4), VectorMath.M4));
            z0 = z0.add(z0.rearrange(VectorMath.S2));
            z0 = z0.add(z0.rearrange(VectorMath.S1));
            int q0 = outOff + 0 * outStride;
            out[q0] = z0.lane(0);
            out[q0 + 1] = z0.lane(8);
            out[q0 + 2] = z0.lane(4);
            out[q0 + 3] = z0.lane(12);
            FloatVector h1 = a10.blend(a11, VectorMath.M8)
                    .add(a10.rearrange(VectorMath.S8).blend(a11.rearrange(VectorMath.S8), VectorMath.M8));
            FloatVector y1 = a12.blend(a13, VectorMath.M8)
                    .add(a12.rearrange(VectorMath.S8).blend(a13.rearrange(VectorMath.S8), VectorMath.M8));
            FloatVector z1 = h1.blend(y1, VectorMath.M4)
                    .add(h1.rearrange(VectorMath.S4).blend(y1.rearrange(VectorMath.S4), VectorMath.M4));
            z1 = z1.add(z1.rearrange(VectorMath.S2));
            z1 = z1.add(z1.rearrange(VectorMath.S1));
            int q1 = outOff + 1 * outStride;
            out[q1] = z1.lane(0);
            out[q1 + 1] = z1.lane(8);
            out[q1 + 2] = z1.lane(4);
            out[q1 + 3] = z1.lane(12);
            FloatVector h2 = a20.blend(a21, VectorMath.M8)
                    .add(a20.rearrange(VectorMath.S8).blend(a21.rearrange(VectorMath.S8), VectorMath.M8));
            FloatVector y2 = a22.blend(a23, VectorMath.M8)
                    .add(a22.rearrange(VectorMath.S8).blend(a23.rearrange(VectorMath.S8), VectorMath.M8));
            FloatVector z2 = h2.blend(y2, VectorMath.M4)
                    .add(h2.rearrange(VectorMath.S4).blend(y2.rearrange(VectorMath.S4), VectorMath.M4));
            z2 = z2.add(z2.rearrange(VectorMath.S2));
            z2 = z2.add(z2.rearrange(VectorMath.S1));
            int q2 = outOff + 2 * outStride;
            out[q2] = z2.lane(0);
            out[q2 + 1] = z2.lane(8);
            out[q2 + 2] = z2.lane(4);
            out[q2 + 3] = z2.lane(12);
            FloatVector h3 = a30.blend(a31, VectorMath.M8)
                    .add(a30.rearrange(VectorMath.S8).blend(a31.rearrange(VectorMath.S8), VectorMath.M8));
            FloatVector y3 = a32.blend(a33, VectorMath.M8)
                    .add(a32.rearrange(VectorMath.S8).blend(a33.rearrange(VectorMath.S8), VectorMath.M8));
            FloatVector z3 = h3.blend(y3, VectorMath.M4)
                    .add(h3.rearrange(VectorMath.S4).blend(y3.rearrange(VectorMath.S4), VectorMath.M4));
            z3 = z3.add(z3.rearrange(VectorMath.S2));
            z3 = z3.add(z3.rearrange(VectorMath.S1));
            int q3 = outOff + 3 * outStride;
            out[q3] = z3.lane(0);
            out[q3 + 1] = z3.lane(8);
            out[q3 + 2] = z3.lane(4);
            out[q3 + 3] = z3.lane(12);
        } else {
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
        }
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
