package dev.jnim.vision.preprocess;

/**
 * An 8-bit image as the reference's numpy arrays hold it between steps: {@code height x width x channels},
 * row-major, channels interleaved (channels-last uint8).
 */
public record Raster(int width, int height, int channels, byte[] data) {

    public Raster {
        if (width <= 0 || height <= 0 || channels <= 0) {
            throw new IllegalArgumentException("bad raster " + width + "x" + height + "x" + channels);
        }
        if ((long) width * height * channels != data.length) {
            throw new IllegalArgumentException("raster buffer has " + data.length + " bytes, expected "
                    + (long) width * height * channels);
        }
    }

    /** A zero-filled raster. */
    public static Raster blank(int width, int height, int channels) {
        return new Raster(width, height, channels, new byte[Math.multiplyExact(Math.multiplyExact(width, height), channels)]);
    }

    /** Sample {@code c} of pixel {@code (x, y)} as 0..255. */
    public int get(int x, int y, int c) {
        return data[(y * width + x) * channels + c] & 0xFF;
    }

    /** The rectangle {@code [x0, x1) x [y0, y1)}, copied, as numpy's {@code image[y0:y1, x0:x1, :]}. */
    public Raster crop(int x0, int y0, int x1, int y1) {
        int w = x1 - x0;
        int h = y1 - y0;
        byte[] out = new byte[w * h * channels];
        for (int y = 0; y < h; y++) {
            System.arraycopy(data, ((y0 + y) * width + x0) * channels, out, y * w * channels, w * channels);
        }
        return new Raster(w, h, channels, out);
    }
}
