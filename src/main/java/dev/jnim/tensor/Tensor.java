package dev.jnim.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A named n-dimensional tensor of a float dtype over a {@link MemorySegment} (usually a slice of
 * a memory-mapped file). Row-major, little-endian. Never copied to the heap.
 */
public record Tensor(String name, DType dtype, long[] shape, MemorySegment data) {

    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public Tensor {
        shape = shape.clone();
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    /** Reads element {@code i} (flat index) widened to float. */
    public float getFloat(long i) {
        return switch (dtype) {
            case F32 -> data.get(F32_LE, i * 4);
            case BF16 -> Float.intBitsToFloat((data.get(I16_LE, i * 2) & 0xFFFF) << 16);
            case F16 -> Float.float16ToFloat(data.get(I16_LE, i * 2));
            default -> throw new IllegalStateException("getFloat on quantised tensor " + name);
        };
    }

    /** Copies the whole tensor to a new float array (for small tensors: norms, biases). */
    public float[] toFloatArray() {
        long n = elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor " + name + " too large for a float[]");
        }
        float[] out = new float[(int) n];
        for (int i = 0; i < out.length; i++) {
            out[i] = getFloat(i);
        }
        return out;
    }

    /** Fails with a message naming the tensor unless its shape is exactly {@code expected}. */
    public Tensor requireShape(long... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(shape)
                    + ", expected " + Arrays.toString(expected));
        }
        return this;
    }

    @Override
    public String toString() {
        return name + "[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
