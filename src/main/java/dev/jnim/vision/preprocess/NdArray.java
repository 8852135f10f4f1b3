package dev.jnim.vision.preprocess;

import java.util.Arrays;

/**
 * One output array of an image processor, C order, named and shaped as the Hugging Face processor returns it
 * ({@code pixel_values}, {@code pixel_attention_mask}, ...). Exactly one of {@code floats} (float32) and
 * {@code longs} (int64) is set.
 */
public record NdArray(String name, int[] shape, float[] floats, long[] longs) {

    public NdArray {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        int len = floats != null ? floats.length : longs.length;
        if ((floats == null) == (longs == null) || n != len) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " does not fit " + len + " values");
        }
    }

    public static NdArray ofFloats(String name, float[] values, int... shape) {
        return new NdArray(name, shape, values, null);
    }

    public static NdArray ofLongs(String name, long[] values, int... shape) {
        return new NdArray(name, shape, null, values);
    }

    public boolean isFloat() {
        return floats != null;
    }

    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /** Element {@code i} widened to double. */
    public double get(int i) {
        return floats != null ? floats[i] : longs[i];
    }
}
