package dev.jnim.vision.preprocess;

import dev.jnim.vision.ImageException;

/**
 * HF {@code rescale} then {@code normalize}, with the reference's exact float arithmetic:
 * {@code x = float32(float64(u8) * rescale_factor)}, then {@code (x - float32(mean)) / float32(std)} in float32.
 */
public record Normalizer(boolean rescale, double rescaleFactor, boolean normalize, float[] mean, float[] std) {

    /** From {@code preprocessor_config.json} values (mean and std as the JSON doubles, rounded to float32). */
    public static Normalizer of(boolean rescale, double rescaleFactor, boolean normalize, double[] mean, double[] std) {
        float[] m = new float[mean.length];
        float[] s = new float[std.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) mean[i];
        }
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) std[i];
        }
        return new Normalizer(rescale, rescaleFactor, normalize, m, s);
    }

    /**
     * Fails as HF {@code normalize} does when the channel count does not match the mean/std lengths (the reference
     * reads a 1-pixel-high image channels-first and ends here).
     */
    public void checkChannels(int channels) {
        if (!normalize) {
            return;
        }
        if (mean.length != channels) {
            throw ImageException.valueError("mean must have " + channels + " elements if it is an iterable, got " + mean.length);
        }
        if (std.length != channels) {
            throw ImageException.valueError("std must have " + channels + " elements if it is an iterable, got " + std.length);
        }
    }

    /** The value for one uint8 sample of channel {@code c}. */
    public float apply(int u8, int c) {
        float x = rescale ? (float) (u8 * rescaleFactor) : (float) u8;
        return normalize ? (x - mean[c]) / std[c] : x;
    }

    /**
     * Writes {@code src} channels-first ({@code C x H x W}) into {@code out} from {@code offset}, as rescale +
     * normalize + {@code to_channel_dimension_format(FIRST)}.
     */
    public void writeChannelsFirst(Raster src, float[] out, int offset) {
        checkChannels(src.channels());
        int ch = src.channels();
        int plane = src.width() * src.height();
        byte[] data = src.data();
        // One table per channel: 256 possible inputs, so the per-pixel work is a lookup.
        float[] table = new float[256 * ch];
        for (int c = 0; c < ch; c++) {
            for (int v = 0; v < 256; v++) {
                table[c * 256 + v] = apply(v, c);
            }
        }
        for (int i = 0; i < plane; i++) {
            int p = i * ch;
            for (int c = 0; c < ch; c++) {
                out[offset + c * plane + i] = table[c * 256 + (data[p + c] & 0xFF)];
            }
        }
    }
}
