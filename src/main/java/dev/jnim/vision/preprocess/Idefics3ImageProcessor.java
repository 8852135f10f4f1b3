package dev.jnim.vision.preprocess;

import dev.jnim.vision.DecodedImage;
import dev.jnim.vision.ImageException;
import dev.jnim.vision.ImageMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * HF {@code Idefics3ImageProcessor} (SmolVLM): resize the longest edge, stretch both sides to tile multiples,
 * cut row-major tiles and append the whole image resized to one tile, then rescale/normalise and pad.
 *
 * <p>The reference resizes before it converts to RGB, on the raw array of the opened image: RGBA is resized
 * premultiplied (Pillow's RGBA path) and composited onto white afterwards; grey and palette images are
 * single-channel arrays that it resizes as mode {@code P}, i.e. nearest neighbour, and the palette is applied
 * afterwards. We follow the same order.
 */
public record Idefics3ImageProcessor(boolean doConvertRgb, boolean doResize, int longestEdge, ResampleFilter resample,
        boolean doImageSplitting, int tileSize, Normalizer normalizer, boolean doPad) implements ImageProcessor {

    /** transformers' {@code MAX_IMAGE_SIZE} for Idefics3: the resized longest edge is capped to it. */
    static final int MAX_IMAGE_SIZE = 4096;

    static Idefics3ImageProcessor from(ProcessorConfig c) {
        return new Idefics3ImageProcessor(c.bool("do_convert_rgb", true), c.bool("do_resize", true),
                c.sizeEntry("size", "longest_edge", 4 * 364), c.resample(ResampleFilter.LANCZOS),
                c.bool("do_image_splitting", true), c.sizeEntry("max_image_size", "longest_edge", 364),
                c.normalizer(STANDARD_MEAN, STANDARD_STD), c.bool("do_pad", true));
    }

    @Override
    public ProcessedImage process(DecodedImage image) {
        byte[] palette = image.mode() == ImageMode.P ? image.palette() : null;
        Raster raw = new Raster(image.width(), image.height(), image.mode().channels(), image.pixels());
        boolean channelsFirst = ChannelInference.readsChannelsFirst(raw, 1, 3, 4);
        Raster a = ChannelInference.asReferenceReads(raw, 1, 3, 4);
        if (doResize) {
            int[] hw = longestEdgeSize(a.height(), a.width(), longestEdge);
            a = resize(a, hw[1], hw[0], channelsFirst);
        }
        List<Raster> frames = new ArrayList<>();
        int rows = 0;
        int cols = 0;
        if (doImageSplitting) {
            a = resizeForVisionEncoder(a, channelsFirst);
            if (a.height() > tileSize || a.width() > tileSize) {
                rows = ceilDiv(a.height(), tileSize);
                cols = ceilDiv(a.width(), tileSize);
                int tileH = ceilDiv(a.height(), rows);
                int tileW = ceilDiv(a.width(), cols);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int x0 = c * tileW;
                        int y0 = r * tileH;
                        frames.add(a.crop(x0, y0, Math.min(x0 + tileW, a.width()), Math.min(y0 + tileH, a.height())));
                    }
                }
                if (a.height() != tileSize || a.width() != tileSize) {
                    a = resize(a, tileSize, tileSize, channelsFirst);
                }
            }
        }
        frames.add(a);
        if (doConvertRgb) {
            frames.replaceAll(f -> toRgb(f, palette));
        }
        return pack(frames, rows, cols);
    }

    private ProcessedImage pack(List<Raster> frames, int rows, int cols) {
        int channels = frames.getFirst().channels();
        int maxH = 0;
        int maxW = 0;
        for (Raster f : frames) {
            maxH = Math.max(maxH, f.height());
            maxW = Math.max(maxW, f.width());
        }
        int n = frames.size();
        int plane = maxH * maxW;
        float[] pixels = new float[n * channels * plane];
        long[] mask = new long[n * plane];
        for (int i = 0; i < n; i++) {
            Raster f = frames.get(i);
            if (f.width() == maxW && f.height() == maxH) {
                normalizer.writeChannelsFirst(f, pixels, i * channels * plane);
                Arrays.fill(mask, i * plane, (i + 1) * plane, 1L);
            } else {
                // Pad bottom/right with zeros after normalisation, as Idefics3ImageProcessor.pad.
                float[] own = new float[channels * f.width() * f.height()];
                normalizer.writeChannelsFirst(f, own, 0);
                for (int c = 0; c < channels; c++) {
                    for (int y = 0; y < f.height(); y++) {
                        System.arraycopy(own, (c * f.height() + y) * f.width(), pixels,
                                (i * channels + c) * plane + y * maxW, f.width());
                    }
                }
                for (int y = 0; y < f.height(); y++) {
                    Arrays.fill(mask, i * plane + y * maxW, i * plane + y * maxW + f.width(), 1L);
                }
            }
        }
        List<NdArray> arrays = new ArrayList<>();
        arrays.add(NdArray.ofFloats("pixel_values", pixels, 1, n, channels, maxH, maxW));
        if (doPad) {
            arrays.add(NdArray.ofLongs("pixel_attention_mask", mask, 1, n, maxH, maxW));
        }
        return new ProcessedImage(arrays, new ImageLayout.Tiles(rows, cols));
    }

    /** {@code convert_to_rgb} of Idefics3: palette applied (if any), then composited onto white. */
    private static Raster toRgb(Raster f, byte[] palette) {
        return switch (f.channels()) {
            case 1 -> palette != null ? applyPalette(f, palette) : PillowColor.greyToRgb(f);
            case 3 -> f;
            case 4 -> PillowColor.compositeOnWhite(f);
            default -> throw ImageException.valueError("Unable to infer channel dimension format");
        };
    }

    /**
     * The saved palette put back on the resized indices: {@code getpalette()} keeps only RGB, so transparency of
     * the original palette is gone and every entry is opaque.
     */
    private static Raster applyPalette(Raster indices, byte[] palette) {
        int n = indices.width() * indices.height();
        byte[] out = new byte[n * 3];
        byte[] src = indices.data();
        for (int i = 0; i < n; i++) {
            int index = src[i] & 0xFF;
            if (index * 4 + 2 < palette.length) {
                out[3 * i] = palette[index * 4];
                out[3 * i + 1] = palette[index * 4 + 1];
                out[3 * i + 2] = palette[index * 4 + 2];
            } else {
                out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = (byte) index;
            }
        }
        return new Raster(indices.width(), indices.height(), 3, out);
    }

    /**
     * {@code Idefics3ImageProcessor.resize}: an array whose last axis is 1 is wrapped as mode P, which Pillow
     * resizes nearest. The reference keeps a channels-first array channels-first while resizing, so there the last
     * axis is the width and a one-channel image is resized as mode L with the configured filter (the 1x1 quirk).
     */
    private Raster resize(Raster a, int width, int height, boolean channelsFirst) {
        boolean paletteMode = channelsFirst ? a.width() == 1 && a.channels() == 1 : a.channels() == 1;
        return PillowResize.resize(a, width, height, paletteMode ? ResampleFilter.NEAREST : resample);
    }

    /** {@code _resize_output_size_rescale_to_max_len} then {@code _resize_output_size_scale_below_upper_bound}. */
    static int[] longestEdgeSize(int height, int width, int maxLen) {
        double aspect = (double) width / height;
        if (width >= height) {
            width = maxLen;
            height = (int) (width / aspect);
            if (height % 2 != 0) {
                height++;
            }
        } else {
            height = maxLen;
            width = (int) (height * aspect);
            if (width % 2 != 0) {
                width++;
            }
        }
        height = Math.max(height, 1);
        width = Math.max(width, 1);
        aspect = (double) width / height;
        if (width >= height && width > MAX_IMAGE_SIZE) {
            width = MAX_IMAGE_SIZE;
            height = (int) (width / aspect);
        } else if (height > width && height > MAX_IMAGE_SIZE) {
            height = MAX_IMAGE_SIZE;
            width = (int) (height * aspect);
        }
        return new int[] {Math.max(height, 1), Math.max(width, 1)};
    }

    /** {@code resize_for_vision_encoder}: both sides up to multiples of the tile, keeping roughly the aspect. */
    private Raster resizeForVisionEncoder(Raster a, boolean channelsFirst) {
        int height = a.height();
        int width = a.width();
        double aspect = (double) width / height;
        if (width >= height) {
            width = (int) Math.ceil((double) width / tileSize) * tileSize;
            height = (int) (width / aspect);
            height = (int) Math.ceil((double) height / tileSize) * tileSize;
        } else {
            height = (int) Math.ceil((double) height / tileSize) * tileSize;
            width = (int) (height * aspect);
            width = (int) Math.ceil((double) width / tileSize) * tileSize;
        }
        return resize(a, width, height, channelsFirst);
    }

    private static int ceilDiv(int a, int b) {
        return (int) Math.ceil((double) a / b);
    }
}
