package dev.jnim.vision;

/**
 * Limits checked before an image is decoded: the encoded size, and the pixel count read from the file's header,
 * so that a small file declaring a huge canvas (a decompression bomb) is rejected before any pixel buffer exists.
 */
public record ImageLimits(long maxEncodedBytes, long maxPixels) {

    /** 20 MiB encoded, 40 megapixels decoded: a 6000x6000 photo passes, a 65535x65535 bomb does not. */
    public static final ImageLimits DEFAULT = new ImageLimits(20L << 20, 40_000_000L);

    public ImageLimits {
        if (maxEncodedBytes <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("image limits must be positive, got " + maxEncodedBytes + " bytes, "
                    + maxPixels + " pixels");
        }
    }
}
