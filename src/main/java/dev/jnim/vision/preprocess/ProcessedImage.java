package dev.jnim.vision.preprocess;

import java.util.List;

/**
 * The arrays an image processor returns for one image, in the reference's names, shapes and order (batch of one),
 * plus its {@link ImageLayout} for prompt expansion.
 */
public record ProcessedImage(List<NdArray> arrays, ImageLayout layout) {

    public ProcessedImage {
        arrays = List.copyOf(arrays);
    }

    /** The array called {@code name}, or null. */
    public NdArray array(String name) {
        for (NdArray a : arrays) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** {@code pixel_values}. */
    public NdArray pixelValues() {
        return array("pixel_values");
    }
}
