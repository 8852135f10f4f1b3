package dev.jnim.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The row-panel layout of {@link DType#Q8_0} and packed {@link DType#BF16} matrices
 * ({@link Matrix#panels()}) and the kernels that multiply them.
 *
 * <p>Layout: rows are grouped in panels of {@link #PANEL} (the float vector length; the last panel
 * is padded with zero rows), and inside a panel the weights are stored column by column:
 * <ul>
 *   <li>Q8_0: the {@code PANEL} quants of column k are contiguous bytes, so one small load
 *       widened to float gives one weight for each of the panel's rows. The float32 scales of a
 *       block of 32 columns are stored the same way, one vector per (panel, block).</li>
 *   <li>BF16: columns go in pairs; int lane i of a pair holds row i's value of the even column in
 *       its low half and of the odd column in its high half, so one int vector gives both columns
 *       with a shift and a mask.</li>
 * </ul>
 *
 * <p>Kernel: vector lane i is row i of the panel, so a token's dot products need no horizontal
 * sums: for each column the widened weights (for Q8_0 {@code (float) q · scale}, the product
 * {@link RowDecoder#decodeScalar} defines) are FMA'd with that token's activation broadcast to
 * every lane. The widening is done once per column for up to 8 tokens, or once per call
 * into a float scratch panel for more. Every token's result is
 * the same FMA chain over the columns in order, so it is bit-identical whatever T, the token
 * grouping and the thread split; the scalar fallback ({@link Math#fma}) gives the same bits.
 */
final class Panels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Rows per panel: one float vector. */
    static final int PANEL = F.length();
    private static final boolean VECTOR = PANEL >= 8;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(PANEL * 32));
    private static final VectorSpecies<Byte> B = VECTOR ? VectorSpecies.of(byte.class, VectorShape.forBitSize(PANEL * 8)) : null;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int BLOCK = DType.BLOCK;
    /**
     * From this many tokens on, a panel is widened once into a float32 scratch panel (in L1/L2)
     * that all tokens then read, instead of being widened again for every 8 tokens. (A kernel with
     * 16 accumulators instead made C1 give up on it, and its slow interim code ran for seconds.)
     */
    static final int WIDEN_ONCE = 12;
    /** Tokens per group of interleaved activations ({@link #interleave}). */
    static final int GROUP = 8;
    /**
     * Per-thread widened panels, off-heap and 64-byte aligned: a float[] starts 16 bytes into its
     * object, so most of its 64-byte vector loads straddle two cache lines (measured: the 2×8
     * tile runs 12-20% faster on an aligned segment than on an array).
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Panels() {
    }

    static int panels(int rows) {
        return (rows + PANEL - 1) / PANEL;
    }

    /** Rows including the padding of the last panel. */
    static long paddedRows(int rows) {
        return (long) panels(rows) * PANEL;
    }

    /** Byte offset of the BF16 value ({@code row}, {@code col}) in a packed BF16 matrix. */
    static long bf16Offset(int row, int col, int cols) {
        return ((long) (row / PANEL) * (cols / 2) + col / 2) * PANEL * 4 + (row % PANEL) * 4 + (col % 2) * 2;
    }

    /** Bytes of quants for a {@code rows × cols} matrix (padded panels). */
    static long quantBytes(int rows, int cols) {
        return (long) panels(rows) * PANEL * cols;
    }

    /** Number of float scales for a {@code rows × cols} matrix (padded panels). */
    static long scaleCount(int rows, int cols) {
        return (long) panels(rows) * PANEL * (cols / BLOCK);
    }

    /** Bytes of one panel's weights: {@code PANEL·cols} quants (Q8_0) or BF16 values. */
    private static long panelBytes(Matrix w) {
        return (long) w.cols() * PANEL * w.dtype().elementBytes();
    }

    /** Bytes of one panel's Q8_0 scales: a vector per block of 32 columns. */
    private static long panelScaleBytes(int cols) {
        return (long) (cols / BLOCK) * PANEL * 4;
    }

    /** Byte offset of the quant of ({@code row}, {@code col}). */
    static long quantOffset(int row, int col, int cols) {
        return ((long) (row / PANEL) * cols + col) * PANEL + row % PANEL;
    }

    /** Index (in floats) of the scale of ({@code row}, block {@code block}). */
    static long scaleIndex(int row, int block, int cols) {
        return ((long) (row / PANEL) * (cols / BLOCK) + block) * PANEL + row % PANEL;
    }

    /** The weight ({@code row}, {@code col}) of a matrix in panels, as float (for Q8_0 {@code scale · q}). */
    static float weight(Matrix w, int row, int col) {
        int cols = w.cols();
        if (w.dtype() == DType.BF16) {
            return Float.intBitsToFloat((w.data().get(Tensor.I16_LE, bf16Offset(row, col, cols)) & 0xFFFF) << 16);
        }
        return w.scales().getAtIndex(ValueLayout.JAVA_FLOAT, scaleIndex(row, col / BLOCK, cols))
                * w.data().get(ValueLayout.JAVA_BYTE, quantOffset(row, col, cols));
    }

    /**
     * Tokens {@code [t0, t1)} times the rows of panel {@code panel}, into {@code out} (T rows of
     * {@code w.rows()}). {@code xt} is null or {@code x} {@link #interleave interleaved} (given from
     * {@link #WIDEN_ONCE} tokens on; {@code t0} is then a multiple of {@link #GROUP}). The call
     * covers {@code span} panels from {@code panel} (fewer at the end of the matrix): with
     * {@code xt}, two panels share each broadcast activation (measured 1.5x faster than one);
     * for single tokens, four panels give four independent FMA chains (one alone is bound by the
     * FMA latency, about 4 weights per cycle).
     */
    static void multiplyPanel(Matrix w, int panel, int span, float[] x, float[] xt, int t0, int t1, float[] out) {
        if (!VECTOR) {
            for (int j = panel; j < Math.min(panel + span, panels(w.rows())); j++) {
                scalarPanel(w, j, x, t0, t1, out);
            }
            return;
        }
        int cols = w.cols();
        int rows = w.rows();
        boolean q8 = w.dtype() == DType.Q8_0;
        MemorySegment q = w.data();
        MemorySegment sc = w.scales();
        long pb = panelBytes(w);
        long sb = panelScaleBytes(cols);
        long qBase = panel * pb;
        long sBase = panel * sb;
        int r0 = panel * PANEL;
        int n = Math.min(PANEL, rows - r0);
        int t = t0;
        if (xt != null) {
            boolean two = panel + 1 < panels(rows) && span >= 2;
            MemorySegment wf = scratch(two ? 2 * cols : cols);
            widen(w, panel, wf, 0);
            if (two) {
                widen(w, panel + 1, wf, cols * PANEL);
                int n2 = Math.min(PANEL, rows - r0 - PANEL);
                for (; t < t1; t += GROUP) {
                    floatKernel2x8(wf, cols, xt, t * cols, out, t, Math.min(GROUP, t1 - t), rows, r0, n2);
                }
            } else {
                for (; t < t1; t += GROUP) {
                    floatKernel8(wf, cols, xt, t * cols, out, t, Math.min(GROUP, t1 - t), rows, r0, n);
                }
            }
            return;
        }
        int np = Math.min(span, panels(rows) - panel);
        int single = t; // first token left for the one-token kernels
        for (int j = 0; j < np; j++) {
            int rj = r0 + j * PANEL;
            int nj = Math.min(PANEL, rows - rj);
            long qj = qBase + j * pb;
            long sj = sBase + j * sb;
            int u = t0;
            if (q8) {
                for (; u + 8 <= t1; u += 8) {
                    kernel8(q, sc, qj, sj, cols, x, u, out, rows, rj, nj);
                }
                for (; u + 4 <= t1; u += 4) {
                    kernel4(q, sc, qj, sj, cols, x, u, out, rows, rj, nj);
                }
            } else {
                for (; u + 4 <= t1; u += 4) {
                    bf16Kernel4(q, qj, cols, x, u, out, rows, rj, nj);
                }
            }
            single = u;
        }
        for (t = single; t < t1; t++) {
            if (np == 4) { // four independent FMA chains: one chain alone waits on the FMA latency
                int n3 = Math.min(PANEL, rows - r0 - 3 * PANEL);
                if (q8) {
                    kernel1x4(q, sc, qBase, sBase, cols, x, t, out, rows, r0, n3);
                } else {
                    bf16Kernel1x4(q, qBase, cols, x, t, out, rows, r0, n3);
                }
                continue;
            }
            for (int j = 0; j < np; j++) {
                int rj = r0 + j * PANEL;
                int nj = Math.min(PANEL, rows - rj);
                if (q8) {
                    kernel1(q, sc, qBase + j * pb, sBase + j * sb, cols, x, t, out, rows, rj, nj);
                } else {
                    bf16Kernel1(q, qBase + j * pb, cols, x, t, out, rows, rj, nj);
                }
            }
        }
    }

    private static void kernel1x4(MemorySegment q, MemorySegment sc, long qBase, long sBase, int cols, float[] x, int t,
                                  float[] out, int rows, int r0, int n3) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long qs = (long) cols * PANEL;
        long ss = (long) (cols / BLOCK) * PANEL * 4;
        int x0 = t * cols;
        for (int b = 0; b < cols; b += BLOCK) {
            long so = sBase + (long) b / BLOCK * PANEL * 4;
            FloatVector s0 = FloatVector.fromMemorySegment(F, sc, so, LE);
            FloatVector s1 = FloatVector.fromMemorySegment(F, sc, so + ss, LE);
            FloatVector s2 = FloatVector.fromMemorySegment(F, sc, so + 2 * ss, LE);
            FloatVector s3 = FloatVector.fromMemorySegment(F, sc, so + 3 * ss, LE);
            for (int k = b; k < b + BLOCK; k++) {
                long qo = qBase + (long) k * PANEL;
                FloatVector xb = FloatVector.broadcast(F, x[x0 + k]);
                a0 = ((FloatVector) ByteVector.fromMemorySegment(B, q, qo, LE)
                        .convertShape(VectorOperators.B2F, F, 0)).mul(s0).fma(xb, a0);
                a1 = ((FloatVector) ByteVector.fromMemorySegment(B, q, qo + qs, LE)
                        .convertShape(VectorOperators.B2F, F, 0)).mul(s1).fma(xb, a1);
                a2 = ((FloatVector) ByteVector.fromMemorySegment(B, q, qo + 2 * qs, LE)
                        .convertShape(VectorOperators.B2F, F, 0)).mul(s2).fma(xb, a2);
                a3 = ((FloatVector) ByteVector.fromMemorySegment(B, q, qo + 3 * qs, LE)
                        .convertShape(VectorOperators.B2F, F, 0)).mul(s3).fma(xb, a3);
            }
        }
        int o = t * rows + r0;
        a0.intoArray(out, o);
        a1.intoArray(out, o + PANEL);
        a2.intoArray(out, o + 2 * PANEL);
        a3.intoArray(out, o + 3 * PANEL, F.indexInRange(0, n3));
    }

    private static void bf16Kernel1x4(MemorySegment q, long qBase, int cols, float[] x, int t, float[] out, int rows,
                                      int r0, int n3) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long ps = (long) cols * PANEL * 2;
        int x0 = t * cols;
        for (int c = 0; c < cols; c += 2) {
            long qo = qBase + (long) c * PANEL * 2;
            FloatVector xe = FloatVector.broadcast(F, x[x0 + c]);
            FloatVector xo = FloatVector.broadcast(F, x[x0 + c + 1]);
            IntVector v0 = IntVector.fromMemorySegment(I, q, qo, LE);
            IntVector v1 = IntVector.fromMemorySegment(I, q, qo + ps, LE);
            IntVector v2 = IntVector.fromMemorySegment(I, q, qo + 2 * ps, LE);
            IntVector v3 = IntVector.fromMemorySegment(I, q, qo + 3 * ps, LE);
            a0 = v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a0);
            a1 = v1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a1);
            a2 = v2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a2);
            a3 = v3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a3);
            a0 = v0.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats().fma(xo, a0);
            a1 = v1.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats().fma(xo, a1);
            a2 = v2.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats().fma(xo, a2);
            a3 = v3.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats().fma(xo, a3);
        }
        int o = t * rows + r0;
        a0.intoArray(out, o);
        a1.intoArray(out, o + PANEL);
        a2.intoArray(out, o + 2 * PANEL);
        a3.intoArray(out, o + 3 * PANEL, F.indexInRange(0, n3));
    }

    /** Panel {@code panel} of {@code w} as floats, column by column, into {@code wf} from {@code off}. */
    private static void widen(Matrix w, int panel, MemorySegment wf, int off) {
        int cols = w.cols();
        if (w.dtype() == DType.Q8_0) {
            widenQ8(w.data(), w.scales(), panel * panelBytes(w), panel * panelScaleBytes(cols), cols, wf, off);
        } else {
            widenBf16(w.data(), panel * panelBytes(w), cols, wf, off);
        }
    }

    /** A Q8_0 panel as floats {@code (float) q · scale}. */
    private static void widenQ8(MemorySegment q, MemorySegment sc, long qBase, long sBase, int cols, MemorySegment wf,
                                int off) {
        for (int b = 0; b < cols; b += BLOCK) {
            FloatVector s = FloatVector.fromMemorySegment(F, sc, sBase + (long) b / BLOCK * PANEL * 4, LE);
            for (int k = b; k < b + BLOCK; k++) {
                ((FloatVector) ByteVector.fromMemorySegment(B, q, qBase + (long) k * PANEL, LE)
                        .convertShape(VectorOperators.B2F, F, 0)).mul(s)
                        .intoMemorySegment(wf, (long) (off + k * PANEL) * Float.BYTES, LE);
            }
        }
    }

    /** A packed BF16 panel as floats. */
    private static void widenBf16(MemorySegment q, long qBase, int cols, MemorySegment wf, int off) {
        for (int c = 0; c < cols; c += 2) {
            IntVector v = IntVector.fromMemorySegment(I, q, qBase + (long) c * PANEL * 2, LE);
            long o = (long) (off + c * PANEL) * Float.BYTES; // column c, then c + 1 one vector later
            v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoMemorySegment(wf, o, LE);
            v.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats()
                    .intoMemorySegment(wf, o + PANEL * Float.BYTES, LE);
        }
    }

    /** Per-thread room for {@code cols} columns of a panel, as a global-scope view (no liveness checks in kernels). */
    private static MemorySegment scratch(int cols) {
        return SCRATCH.get().view((long) cols * PANEL * Float.BYTES);
    }

    /** A thread's scratch: the owning segment (freed with the thread) and an unchecked view of it. */
    private static final class Scratch {
        private MemorySegment owner = MemorySegment.NULL;
        private MemorySegment view = MemorySegment.NULL;

        MemorySegment view(long bytes) {
            if (owner.byteSize() < bytes) {
                owner = Arena.ofAuto().allocate(bytes, 64);
                view = OffHeap.unscoped(owner);
            }
            return view;
        }
    }

    private static void bf16Kernel4(MemorySegment q, long qBase, int cols, float[] x, int t, float[] out, int rows,
                                    int r0, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int x0 = t * cols;
        for (int c = 0; c < cols; c += 2) {
            IntVector v = IntVector.fromMemorySegment(I, q, qBase + (long) c * PANEL * 2, LE);
            FloatVector e = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector d = v.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats();
            int i = x0 + c;
            a0 = e.fma(FloatVector.broadcast(F, x[i]), a0);
            a1 = e.fma(FloatVector.broadcast(F, x[i + cols]), a1);
            a2 = e.fma(FloatVector.broadcast(F, x[i + 2 * cols]), a2);
            a3 = e.fma(FloatVector.broadcast(F, x[i + 3 * cols]), a3);
            a0 = d.fma(FloatVector.broadcast(F, x[i + 1]), a0);
            a1 = d.fma(FloatVector.broadcast(F, x[i + 1 + cols]), a1);
            a2 = d.fma(FloatVector.broadcast(F, x[i + 1 + 2 * cols]), a2);
            a3 = d.fma(FloatVector.broadcast(F, x[i + 1 + 3 * cols]), a3);
        }
        int o = t * rows + r0;
        VectorMask<Float> m = F.indexInRange(0, n);
        a0.intoArray(out, o, m);
        a1.intoArray(out, o + rows, m);
        a2.intoArray(out, o + 2 * rows, m);
        a3.intoArray(out, o + 3 * rows, m);
    }

    private static void bf16Kernel1(MemorySegment q, long qBase, int cols, float[] x, int t, float[] out, int rows,
                                    int r0, int n) {
        FloatVector a0 = FloatVector.zero(F);
        int x0 = t * cols;
        for (int c = 0; c < cols; c += 2) {
            IntVector v = IntVector.fromMemorySegment(I, q, qBase + (long) c * PANEL * 2, LE);
            a0 = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.broadcast(F, x[x0 + c]), a0);
            a0 = v.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats()
                    .fma(FloatVector.broadcast(F, x[x0 + c + 1]), a0);
        }
        a0.intoArray(out, t * rows + r0, F.indexInRange(0, n));
    }

    /**
     * Copies T rows of activations into groups of {@link #GROUP} tokens, token-minor
     * ({@code xt[g·GROUP·cols + k·GROUP + j] = x[(g·GROUP + j)·cols + k]}, zeros past T), so that
     * a kernel reads the GROUP activations of one column from one cache line: measured 1.7x faster
     * than reading them from GROUP rows.
     */
    static void interleave(float[] x, int T, int cols, float[] xt) {
        int groups = (T + GROUP - 1) / GROUP;
        for (int g = 0; g < groups; g++) {
            int base = g * GROUP * cols;
            for (int j = 0; j < GROUP; j++) {
                int t = g * GROUP + j;
                if (t < T) {
                    for (int k = 0; k < cols; k++) {
                        xt[base + k * GROUP + j] = x[t * cols + k];
                    }
                } else {
                    for (int k = 0; k < cols; k++) {
                        xt[base + k * GROUP + j] = 0f;
                    }
                }
            }
        }
    }

    /** Size of the {@link #interleave} buffer for T tokens. */
    static int interleavedSize(int T, int cols) {
        return (T + GROUP - 1) / GROUP * GROUP * cols;
    }

    /**
     * One group of interleaved tokens times two widened panels (the second at {@code cols·PANEL} in
     * {@code wf}). Keep this body as small as it is: C1 gives up on larger vector kernels ("out of
     * virtual registers"; tried: 16 tokens, and sums continued across column chunks), and the
     * boxing interim code then ran for minutes before C2 took over.
     */
    private static void floatKernel2x8(MemorySegment wf, int cols, float[] xt, int xOff, float[] out, int t, int nt,
                                       int rows, int r0, int n2) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        int second = cols * PANEL;
        for (int k = 0; k < cols; k++) {
            FloatVector v = FloatVector.fromMemorySegment(F, wf, (long) k * PANEL * Float.BYTES, LE);
            FloatVector u = FloatVector.fromMemorySegment(F, wf, (long) (second + k * PANEL) * Float.BYTES, LE);
            int i = xOff + k * GROUP;
            FloatVector x0 = FloatVector.broadcast(F, xt[i]);
            a0 = v.fma(x0, a0);
            b0 = u.fma(x0, b0);
            FloatVector x1 = FloatVector.broadcast(F, xt[i + 1]);
            a1 = v.fma(x1, a1);
            b1 = u.fma(x1, b1);
            FloatVector x2 = FloatVector.broadcast(F, xt[i + 2]);
            a2 = v.fma(x2, a2);
            b2 = u.fma(x2, b2);
            FloatVector x3 = FloatVector.broadcast(F, xt[i + 3]);
            a3 = v.fma(x3, a3);
            b3 = u.fma(x3, b3);
            FloatVector x4 = FloatVector.broadcast(F, xt[i + 4]);
            a4 = v.fma(x4, a4);
            b4 = u.fma(x4, b4);
            FloatVector x5 = FloatVector.broadcast(F, xt[i + 5]);
            a5 = v.fma(x5, a5);
            b5 = u.fma(x5, b5);
            FloatVector x6 = FloatVector.broadcast(F, xt[i + 6]);
            a6 = v.fma(x6, a6);
            b6 = u.fma(x6, b6);
            FloatVector x7 = FloatVector.broadcast(F, xt[i + 7]);
            a7 = v.fma(x7, a7);
            b7 = u.fma(x7, b7);
        }
        int o = t * rows + r0;
        int p = o + PANEL;
        VectorMask<Float> m = F.indexInRange(0, n2);
        a0.intoArray(out, o);
        b0.intoArray(out, p, m);
        if (nt > 1) {
            a1.intoArray(out, o + rows);
            b1.intoArray(out, p + rows, m);
        }
        if (nt > 2) {
            a2.intoArray(out, o + 2 * rows);
            b2.intoArray(out, p + 2 * rows, m);
        }
        if (nt > 3) {
            a3.intoArray(out, o + 3 * rows);
            b3.intoArray(out, p + 3 * rows, m);
        }
        if (nt > 4) {
            a4.intoArray(out, o + 4 * rows);
            b4.intoArray(out, p + 4 * rows, m);
        }
        if (nt > 5) {
            a5.intoArray(out, o + 5 * rows);
            b5.intoArray(out, p + 5 * rows, m);
        }
        if (nt > 6) {
            a6.intoArray(out, o + 6 * rows);
            b6.intoArray(out, p + 6 * rows, m);
        }
        if (nt > 7) {
            a7.intoArray(out, o + 7 * rows);
            b7.intoArray(out, p + 7 * rows, m);
        }
    }

    /** One group of interleaved tokens (the first {@code nt} are stored) times a widened panel. */
    private static void floatKernel8(MemorySegment wf, int cols, float[] xt, int xOff, float[] out, int t, int nt,
                                     int rows, int r0, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int k = 0; k < cols; k++) {
            FloatVector v = FloatVector.fromMemorySegment(F, wf, (long) k * PANEL * Float.BYTES, LE);
            int i = xOff + k * GROUP;
            a0 = v.fma(FloatVector.broadcast(F, xt[i]), a0);
            a1 = v.fma(FloatVector.broadcast(F, xt[i + 1]), a1);
            a2 = v.fma(FloatVector.broadcast(F, xt[i + 2]), a2);
            a3 = v.fma(FloatVector.broadcast(F, xt[i + 3]), a3);
            a4 = v.fma(FloatVector.broadcast(F, xt[i + 4]), a4);
            a5 = v.fma(FloatVector.broadcast(F, xt[i + 5]), a5);
            a6 = v.fma(FloatVector.broadcast(F, xt[i + 6]), a6);
            a7 = v.fma(FloatVector.broadcast(F, xt[i + 7]), a7);
        }
        int o = t * rows + r0;
        VectorMask<Float> m = F.indexInRange(0, n);
        a0.intoArray(out, o, m);
        if (nt > 1) {
            a1.intoArray(out, o + rows, m);
        }
        if (nt > 2) {
            a2.intoArray(out, o + 2 * rows, m);
        }
        if (nt > 3) {
            a3.intoArray(out, o + 3 * rows, m);
        }
        if (nt > 4) {
            a4.intoArray(out, o + 4 * rows, m);
        }
        if (nt > 5) {
            a5.intoArray(out, o + 5 * rows, m);
        }
        if (nt > 6) {
            a6.intoArray(out, o + 6 * rows, m);
        }
        if (nt > 7) {
            a7.intoArray(out, o + 7 * rows, m);
        }
    }

    // The kernels take no vector arguments and return none: C2 inlines everything inside, so no
    // vector is boxed. Their bodies differ only in the number of tokens.

    private static void kernel8(MemorySegment q, MemorySegment sc, long qBase, long sBase, int cols, float[] x, int t,
                                float[] out, int rows, int r0, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int x0 = t * cols, x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        int x4 = x3 + cols, x5 = x4 + cols, x6 = x5 + cols, x7 = x6 + cols;
        for (int b = 0; b < cols; b += BLOCK) {
            FloatVector s = FloatVector.fromMemorySegment(F, sc, sBase + (long) b / BLOCK * PANEL * 4, LE);
            for (int k = b; k < b + BLOCK; k++) {
                FloatVector v = ((FloatVector) ByteVector.fromMemorySegment(B, q, qBase + (long) k * PANEL, LE)
                        .convertShape(VectorOperators.B2F, F, 0)).mul(s);
                a0 = v.fma(FloatVector.broadcast(F, x[x0 + k]), a0);
                a1 = v.fma(FloatVector.broadcast(F, x[x1 + k]), a1);
                a2 = v.fma(FloatVector.broadcast(F, x[x2 + k]), a2);
                a3 = v.fma(FloatVector.broadcast(F, x[x3 + k]), a3);
                a4 = v.fma(FloatVector.broadcast(F, x[x4 + k]), a4);
                a5 = v.fma(FloatVector.broadcast(F, x[x5 + k]), a5);
                a6 = v.fma(FloatVector.broadcast(F, x[x6 + k]), a6);
                a7 = v.fma(FloatVector.broadcast(F, x[x7 + k]), a7);
            }
        }
        int o = t * rows + r0;
        VectorMask<Float> m = F.indexInRange(0, n); // all lanes but a last panel's padding
        a0.intoArray(out, o, m);
        a1.intoArray(out, o + rows, m);
        a2.intoArray(out, o + 2 * rows, m);
        a3.intoArray(out, o + 3 * rows, m);
        a4.intoArray(out, o + 4 * rows, m);
        a5.intoArray(out, o + 5 * rows, m);
        a6.intoArray(out, o + 6 * rows, m);
        a7.intoArray(out, o + 7 * rows, m);
    }

    private static void kernel4(MemorySegment q, MemorySegment sc, long qBase, long sBase, int cols, float[] x, int t,
                                float[] out, int rows, int r0, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int x0 = t * cols, x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        for (int b = 0; b < cols; b += BLOCK) {
            FloatVector s = FloatVector.fromMemorySegment(F, sc, sBase + (long) b / BLOCK * PANEL * 4, LE);
            for (int k = b; k < b + BLOCK; k++) {
                FloatVector v = ((FloatVector) ByteVector.fromMemorySegment(B, q, qBase + (long) k * PANEL, LE)
                        .convertShape(VectorOperators.B2F, F, 0)).mul(s);
                a0 = v.fma(FloatVector.broadcast(F, x[x0 + k]), a0);
                a1 = v.fma(FloatVector.broadcast(F, x[x1 + k]), a1);
                a2 = v.fma(FloatVector.broadcast(F, x[x2 + k]), a2);
                a3 = v.fma(FloatVector.broadcast(F, x[x3 + k]), a3);
            }
        }
        int o = t * rows + r0;
        VectorMask<Float> m = F.indexInRange(0, n); // all lanes but a last panel's padding
        a0.intoArray(out, o, m);
        a1.intoArray(out, o + rows, m);
        a2.intoArray(out, o + 2 * rows, m);
        a3.intoArray(out, o + 3 * rows, m);
    }

    private static void kernel1(MemorySegment q, MemorySegment sc, long qBase, long sBase, int cols, float[] x, int t,
                                float[] out, int rows, int r0, int n) {
        FloatVector a0 = FloatVector.zero(F);
        int x0 = t * cols;
        for (int b = 0; b < cols; b += BLOCK) {
            FloatVector s = FloatVector.fromMemorySegment(F, sc, sBase + (long) b / BLOCK * PANEL * 4, LE);
            for (int k = b; k < b + BLOCK; k++) {
                FloatVector v = ((FloatVector) ByteVector.fromMemorySegment(B, q, qBase + (long) k * PANEL, LE)
                        .convertShape(VectorOperators.B2F, F, 0)).mul(s);
                a0 = v.fma(FloatVector.broadcast(F, x[x0 + k]), a0);
            }
        }
        a0.intoArray(out, t * rows + r0, F.indexInRange(0, n));
    }

    /** The same arithmetic without vectors (narrow machines): per row, {@code fma(scale · q, x, acc)} in column order. */
    private static void scalarPanel(Matrix w, int panel, float[] x, int t0, int t1, float[] out) {
        int cols = w.cols();
        int rows = w.rows();
        for (int r = panel * PANEL; r < Math.min(rows, (panel + 1) * PANEL); r++) {
            for (int t = t0; t < t1; t++) {
                float acc = 0;
                for (int k = 0; k < cols; k++) {
                    acc = Math.fma(weight(w, r, k), x[t * cols + k], acc);
                }
                out[t * rows + r] = acc;
            }
        }
    }
}
