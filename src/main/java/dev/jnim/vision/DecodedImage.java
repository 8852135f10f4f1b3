package dev.jnim.vision;

import java.util.Objects;

/**
 * A decoded image: {@code height} rows of {@code width} pixels, each {@link ImageMode#channels()} bytes,
 * row-major and interleaved, exactly the array {@code numpy.array(PIL.Image.open(...))} gives.
 *
 * @param palette for {@link ImageMode#P}: RGBA quadruples (alpha 255 unless the file has transparency), else null
 */
public record DecodedImage(int width, int height, ImageMode mode, byte[] pixels, byte[] palette) {

    public DecodedImage {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(pixels, "pixels");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if ((long) width * height * mode.channels() != pixels.length) {
            throw new IllegalArgumentException("pixel buffer has " + pixels.length + " bytes, expected "
                    + (long) width * height * mode.channels() + " for " + width + "x" + height + " " + mode);
        }
        if ((mode == ImageMode.P) != (palette != null)) {
            throw new IllegalArgumentException("a palette is required for mode P and only for it");
        }
    }
}
