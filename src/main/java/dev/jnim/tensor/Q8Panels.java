package dev.jnim.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The memory layout of {@link DType#Q8_0} matrices and the kernel that multiplies them.
 *
 * <p>Layout: rows are grouped in panels of {@link #PANEL} (the float vector length; the last panel
 * is padded with zero rows). Inside a panel the quants are stored column by column: the
 * {@code PANEL} quants of column k are contiguous bytes, so one small load widened to float gives
 * one weight for each of the panel's rows. The float32 scales of a block of 32 columns are stored
 * the same way, one vector per (panel, block).
 *
 * <p>Kernel: vector lane i is row i of the panel, so a token's dot products need no horizontal
 * sums: for each column the widened weights {@code (float) q · scale} (the product
 * {@link RowDecoder#decodeScalar} defines) are FMA'd with that token's activation broadcast to
 * every lane. The widening is done once per column for up to 8 tokens. Every token's result is
 * the same FMA chain over the columns in order, so it is bit-identical whatever T, the token
 * grouping and the thread split; the scalar fallback ({@link Math#fma}) gives the same bits.
 */
final class Q8Panels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Rows per panel: one float vector. */
    static final int PANEL = F.length();
    private static final boolean VECTOR = PANEL >= 8;
    private static final VectorSpecies<Byte> B = VECTOR ? VectorSpecies.of(byte.class, VectorShape.forBitSize(PANEL * 8)) : null;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int BLOCK = DType.BLOCK;

    private Q8Panels() {
    }

    static int panels(int rows) {
        return (rows + PANEL - 1) / PANEL;
    }

    /** Bytes of quants for a {@code rows × cols} matrix (padded panels). */
    static long quantBytes(int rows, int cols) {
        return (long) panels(rows) * PANEL * cols;
    }

    /** Number of float scales for a {@code rows × cols} matrix (padded panels). */
    static long scaleCount(int rows, int cols) {
        return (long) panels(rows) * PANEL * (cols / BLOCK);
    }

    /** Byte offset of the quant of ({@code row}, {@code col}). */
    static long quantOffset(int row, int col, int cols) {
        return ((long) (row / PANEL) * cols + col) * PANEL + row % PANEL;
    }

    /** Index (in floats) of the scale of ({@code row}, block {@code block}). */
    static long scaleIndex(int row, int block, int cols) {
        return ((long) (row / PANEL) * (cols / BLOCK) + block) * PANEL + row % PANEL;
    }

    /** The weight ({@code row}, {@code col}) as float: {@code scale · q}. */
    static float weight(Matrix w, int row, int col) {
        int cols = w.cols();
        return w.scales().getAtIndex(ValueLayout.JAVA_FLOAT, scaleIndex(row, col / BLOCK, cols))
                * w.data().get(ValueLayout.JAVA_BYTE, quantOffset(row, col, cols));
    }

    /**
     * Tokens {@code [t0, t1)} times the rows of panel {@code panel}, into {@code out} (T rows of
     * {@code w.rows()}).
     */
    static void multiplyPanel(Matrix w, int panel, float[] x, int t0, int t1, float[] out) {
        if (!VECTOR) {
            scalarPanel(w, panel, x, t0, t1, out);
            return;
        }
        int cols = w.cols();
        int rows = w.rows();
        MemorySegment q = w.data();
        MemorySegment sc = w.scales();
        long qBase = (long) panel * cols * PANEL;
        long sBase = (long) panel * (cols / BLOCK) * PANEL * 4;
        int r0 = panel * PANEL;
        int n = Math.min(PANEL, rows - r0);
        int t = t0;
        for (; t + 8 <= t1; t += 8) {
            kernel8(q, sc, qBase, sBase, cols, x, t, out, rows, r0, n);
        }
        for (; t + 4 <= t1; t += 4) {
            kernel4(q, sc, qBase, sBase, cols, x, t, out, rows, r0, n);
        }
        for (; t < t1; t++) {
            kernel1(q, sc, qBase, sBase, cols, x, t, out, rows, r0, n);
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
        if (n == PANEL) {
            a0.intoArray(out, o);
            a1.intoArray(out, o + rows);
            a2.intoArray(out, o + 2 * rows);
            a3.intoArray(out, o + 3 * rows);
            a4.intoArray(out, o + 4 * rows);
            a5.intoArray(out, o + 5 * rows);
            a6.intoArray(out, o + 6 * rows);
            a7.intoArray(out, o + 7 * rows);
        } else {
            VectorMask<Float> m = F.indexInRange(0, n);
            a0.intoArray(out, o, m);
            a1.intoArray(out, o + rows, m);
            a2.intoArray(out, o + 2 * rows, m);
            a3.intoArray(out, o + 3 * rows, m);
            a4.intoArray(out, o + 4 * rows, m);
            a5.intoArray(out, o + 5 * rows, m);
            a6.intoArray(out, o + 6 * rows, m);
            a7.intoArray(out, o + 7 * rows, m);
        }
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
        if (n == PANEL) {
            a0.intoArray(out, o);
            a1.intoArray(out, o + rows);
            a2.intoArray(out, o + 2 * rows);
            a3.intoArray(out, o + 3 * rows);
        } else {
            VectorMask<Float> m = F.indexInRange(0, n);
            a0.intoArray(out, o, m);
            a1.intoArray(out, o + rows, m);
            a2.intoArray(out, o + 2 * rows, m);
            a3.intoArray(out, o + 3 * rows, m);
        }
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
        int o = t * rows + r0;
        if (n == PANEL) {
            a0.intoArray(out, o);
        } else {
            a0.intoArray(out, o, F.indexInRange(0, n));
        }
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
