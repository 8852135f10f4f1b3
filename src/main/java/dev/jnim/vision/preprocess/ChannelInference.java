package dev.jnim.vision.preprocess;

import dev.jnim.vision.ImageException;

/**
 * HF {@code infer_channel_dimension_format} applied to a channels-last array, quirk included: when the first axis
 * (the height) is itself a plausible channel count, the reference reads the array as channels-first. A 1x1 RGB
 * image (shape 1x1x3) thus becomes one channel, 1 high and 3 wide. We reproduce that reading so outputs and errors
 * match the reference.
 */
public final class ChannelInference {

    private ChannelInference() {
    }

    /**
     * The array as the reference sees it, back in channels-last order: unchanged when read channels-last, else
     * {@code (H, W, C)} reinterpreted as {@code (C'=H, H'=W, W'=C)} and transposed to {@code (H', W', C')}.
     */
    public static Raster asReferenceReads(Raster a, int... numChannels) {
        if (contains(numChannels, a.height())) {
            int newChannels = a.height();
            int newHeight = a.width();
            int newWidth = a.channels();
            byte[] src = a.data();
            byte[] out = new byte[src.length];
            for (int y = 0; y < newHeight; y++) {
                for (int x = 0; x < newWidth; x++) {
                    for (int c = 0; c < newChannels; c++) {
                        out[(y * newWidth + x) * newChannels + c] = src[(c * a.width() + y) * a.channels() + x];
                    }
                }
            }
            return new Raster(newWidth, newHeight, newChannels, out);
        }
        if (contains(numChannels, a.channels())) {
            return a;
        }
        throw ImageException.valueError("Unable to infer channel dimension format");
    }

    /** Whether the reference reads this channels-last array as channels-first (its height is a channel count). */
    public static boolean readsChannelsFirst(Raster a, int... numChannels) {
        return contains(numChannels, a.height());
    }

    private static boolean contains(int[] set, int v) {
        for (int s : set) {
            if (s == v) {
                return true;
            }
        }
        return false;
    }
}
