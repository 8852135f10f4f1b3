package dev.jnim.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A weight matrix {@code [rows = out_features × cols = in_features]} as the linear layers use it
 * (HF Linear layout). Float dtypes point straight into the checkpoint mapping. {@link DType#Q8_0}
 * holds int8 quants in {@code data} and one float32 scale per block of 32 in {@code scales}
 * (GGML's Q8_0 with an f32 instead of an f16 scale), both in the row-panel layout of
 * {@link Panels} that the kernels read with one vector load per column. BF16 weights of linear
 * layers are repacked into the same kind of panels at load time ({@link #packPanels}); then
 * {@code panels} is true.
 */
public record Matrix(String name, DType dtype, int rows, int cols, MemorySegment data, MemorySegment scales,
                     boolean panels) {

    /** A matrix in the row-major layout of the checkpoint (or Q8_0, always in panels). */
    public Matrix(String name, DType dtype, int rows, int cols, MemorySegment data, MemorySegment scales) {
        this(name, dtype, rows, cols, data, scales, dtype == DType.Q8_0);
    }

    public Matrix {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(name + ": bad matrix shape " + rows + "x" + cols);
        }
        if (dtype == DType.Q8_0 && (cols % DType.BLOCK != 0 || scales == null)) {
            throw new IllegalArgumentException(name + ": Q8_0 needs in_features divisible by 32 and scales");
        }
        if (panels != (dtype == DType.Q8_0) && !(panels && dtype == DType.BF16 && cols % 2 == 0)) {
            throw new IllegalArgumentException(name + ": no panel layout for " + dtype + " " + rows + "x" + cols);
        }
    }

    /**
     * This matrix over global-scope views of the same native memory, for the duration of one
     * kernel call. Kernels read weights millions of times per token; on a segment of a closeable
     * arena each vector load also checks that the arena is alive, and C2 does not hoist that check
     * out of the loop (it cost about a quarter of a decode step). The caller keeps this matrix, and
     * so its arena, reachable while the view is used; the view must not outlive the call (an
     * automatic arena is freed once its own segments are unreachable). Heap segments stay as they are.
     */
    Matrix unscopedView() {
        if (!data.isNative()) {
            return this;
        }
        MemorySegment s = scales == null ? null : OffHeap.unscoped(scales);
        return new Matrix(name, dtype, rows, cols, OffHeap.unscoped(data), s, panels);
    }

    /** Views a 2-D float tensor as a matrix. */
    public static Matrix of(Tensor t) {
        if (t.rank() != 2) {
            throw new IllegalArgumentException("tensor " + t.name() + " is not a matrix: " + t);
        }
        return new Matrix(t.name(), t.dtype(), Math.toIntExact(t.dim(0)), Math.toIntExact(t.dim(1)), t.data(), null);
    }

    /** Bytes read from memory by one full pass over the matrix (what a decode step costs). */
    public long bytes() {
        if (dtype == DType.Q8_0) {
            return Panels.quantBytes(rows, cols) + Panels.scaleCount(rows, cols) * 4;
        }
        if (panels) {
            return Panels.paddedRows(rows) * cols * 2;
        }
        return (long) rows * cols * dtype.elementBytes();
    }

    /**
     * This BF16 matrix repacked into the panel layout of {@link Panels} (a copy in native memory;
     * the checkpoint mapping is no longer read), or this matrix when it has no panel layout
     * (other dtypes, an odd number of columns, or already packed).
     */
    public Matrix packPanels() {
        if (dtype != DType.BF16 || panels || cols % 2 != 0) {
            return this;
        }
        MemorySegment p = Arena.ofAuto().allocate(Panels.paddedRows(rows) * cols * 2, 64); // zeroed padding
        ValueLayout.OfInt pair = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            long src = (long) r * cols * 2;
            for (int c = 0; c < cols; c += 2) { // columns c and c+1 of a row are one int lane of the panel
                p.set(pair, Panels.bf16Offset(r, c, cols), data.get(pair, src + 2L * c));
            }
        }
        return new Matrix(name, dtype, rows, cols, p, null, true);
    }

    /**
     * Quantises a float matrix to Q8_0 (round to nearest, scale = max|x| / 127 per block of 32),
     * stored in the layout of {@link Panels}.
     */
    public Matrix quantizeQ8_0() {
        if (dtype == DType.Q8_0) {
            return this;
        }
        if (cols % DType.BLOCK != 0) {
            throw new IllegalArgumentException(name + ": Q8_0 needs in_features divisible by 32, got " + cols);
        }
        Arena arena = Arena.ofAuto();
        MemorySegment q = arena.allocate(Panels.quantBytes(rows, cols), 64); // zeroed: padding rows are 0
        MemorySegment s = arena.allocate(Panels.scaleCount(rows, cols) * 4, 64);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            RowDecoder.decodeRow(this, r, row, 0);
            for (int b = 0; b < cols / DType.BLOCK; b++) {
                float amax = 0;
                for (int j = 0; j < DType.BLOCK; j++) {
                    amax = Math.max(amax, Math.abs(row[b * DType.BLOCK + j]));
                }
                float scale = amax / 127f;
                float inv = scale == 0 ? 0 : 1f / scale;
                s.setAtIndex(ValueLayout.JAVA_FLOAT, Panels.scaleIndex(r, b, cols), scale);
                for (int j = 0; j < DType.BLOCK; j++) {
                    int c = b * DType.BLOCK + j;
                    int v = Math.round(row[c] * inv);
                    q.set(ValueLayout.JAVA_BYTE, Panels.quantOffset(r, c, cols), (byte) Math.max(-127, Math.min(127, v)));
                }
            }
        }
        return new Matrix(name, DType.Q8_0, rows, cols, q, s);
    }
}
