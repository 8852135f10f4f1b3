package dev.jnim.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Widens rows of a {@link Matrix} to float32, with Vector API paths for BF16 and a scalar
 * reference ({@link #decodeScalar}) that the tests compare against.
 */
public final class RowDecoder {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(L * 32));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private RowDecoder() {
    }

    /** Decodes rows {@code [r0, r0+n)} into {@code dst} (row i at {@code i*cols}). */
    public static void decode(Matrix w, int r0, int n, float[] dst) {
        if (w.dtype() == DType.F32) {
            MemorySegment.copy(w.data(), Tensor.F32_LE, (long) r0 * w.cols() * 4, dst, 0, n * w.cols());
            return;
        }
        for (int i = 0; i < n; i++) {
            decodeRow(w, r0 + i, dst, i * w.cols());
        }
    }

    /**
     * Number of interleaved streams of the "packed" order {@link #decodePacked} uses for rows of
     * {@code w}, or 1 when it uses the natural order. Packed rows are widened with one int load per
     * {@code streams·L} values: lane i of stream p holds element {@code streams·i + p} of the block,
     * and the streams follow each other. A dot product only needs the other operand in the same
     * order ({@link #packActivations}); this makes widening a shift per vector.
     * <ul>
     *   <li>BF16 rows (length a multiple of 2·L): 2 streams, the even then the odd elements.</li>
     *   <li>Q8_0 matrices are stored in row panels ({@link Panels}) and multiplied without
     *       widened rows: 1.</li>
     * </ul>
     */
    public static int streams(Matrix w) {
        if (w.panels()) {
            return 1;
        }
        return switch (w.dtype()) {
            case BF16 -> w.cols() % (2 * L) == 0 ? 2 : 1;
            default -> 1;
        };
    }

    /** True when {@link #decodePacked} stores rows of {@code w} in a packed order ({@link #streams} > 1). */
    public static boolean packed(Matrix w) {
        return streams(w) > 1;
    }

    /** Reorders T rows of activations into the packed order of {@code streams} interleaved streams. */
    public static void packActivations(float[] x, int T, int cols, int streams, float[] dst) {
        int block = streams * L;
        for (int t = 0; t < T; t++) {
            int base = t * cols;
            for (int b = base; b < base + cols; b += block) {
                for (int p = 0; p < streams; p++) {
                    for (int i = 0; i < L; i++) {
                        dst[b + p * L + i] = x[b + streams * i + p];
                    }
                }
            }
        }
    }

    /** Like {@link #decode}, but in packed order when {@link #packed}{@code (w)}. */
    public static void decodePacked(Matrix w, int r0, int n, float[] dst) {
        int streams = streams(w);
        if (streams == 1) {
            decode(w, r0, n, dst);
            return;
        }
        int cols = w.cols();
        MemorySegment seg = w.data();
        for (int i = 0; i < n; i++) {
            long byteOff = (long) (r0 + i) * cols * 2;
            int off = i * cols;
            for (int j = 0; j < cols; j += 2 * L) {
                IntVector v = IntVector.fromMemorySegment(I, seg, byteOff + 2L * j, LE);
                v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, off + j);
                v.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats().intoArray(dst, off + j + L);
            }
        }
    }

    /** Decodes one row into {@code dst[off, off + cols)}. */
    public static void decodeRow(Matrix w, int row, float[] dst, int off) {
        int cols = w.cols();
        switch (w.dtype()) {
            case F32 -> MemorySegment.copy(w.data(), Tensor.F32_LE, (long) row * cols * 4, dst, off, cols);
            case BF16 -> {
                if (w.panels()) {
                    decodePanelRow(w, row, dst, off);
                } else {
                    decodeBf16(w.data(), (long) row * cols * 2, cols, dst, off);
                }
            }
            case Q8_0 -> decodePanelRow(w, row, dst, off);
            case F16 -> decodeScalar(w, row, dst, off);
        }
    }

    private static void decodeBf16(MemorySegment seg, long byteOff, int cols, float[] dst, int off) {
        int j = 0;
        int bound = F.loopBound(cols);
        for (; j < bound; j += L) {
            ShortVector s = ShortVector.fromMemorySegment(S, seg, byteOff + 2L * j, LE);
            IntVector i = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
            i.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, off + j);
        }
        for (; j < cols; j++) {
            dst[off + j] = Float.intBitsToFloat((seg.get(Tensor.I16_LE, byteOff + 2L * j) & 0xFFFF) << 16);
        }
    }

    private static void decodePanelRow(Matrix w, int row, float[] dst, int off) {
        for (int j = 0; j < w.cols(); j++) { // rows are spread over a panel: no contiguous vector to load
            dst[off + j] = Panels.weight(w, row, j);
        }
    }

    /** Scalar reference decode of one row into {@code dst[off ..]}. */
    public static void decodeScalar(Matrix w, int row, float[] dst, int off) {
        int cols = w.cols();
        MemorySegment d = w.data();
        long base = (long) row * cols;
        for (int j = 0; j < cols; j++) {
            long i = base + j;
            dst[off + j] = w.panels() ? Panels.weight(w, row, j) : switch (w.dtype()) {
                case F32 -> d.get(Tensor.F32_LE, i * 4);
                case BF16 -> Float.intBitsToFloat((d.get(Tensor.I16_LE, i * 2) & 0xFFFF) << 16);
                case F16 -> Float.float16ToFloat(d.get(Tensor.I16_LE, i * 2));
                case Q8_0 -> throw new IllegalStateException("Q8_0 is stored in panels");
            };
        }
    }
}
