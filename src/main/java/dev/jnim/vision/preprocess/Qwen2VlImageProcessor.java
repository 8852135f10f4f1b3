package dev.jnim.vision.preprocess;

import dev.jnim.vision.DecodedImage;
import dev.jnim.vision.ImageException;
import java.util.List;

/**
 * HF {@code Qwen2VLImageProcessor}: {@code convert("RGB")}, {@code smart_resize} to multiples of
 * {@code patch_size * merge_size} within [min_pixels, max_pixels], rescale/normalise, the frame repeated
 * {@code temporal_patch_size} times, then flattened into patches. Rows are ordered (t, h/m, w/m, h%m, w%m) so
 * each m x m merge group is contiguous; columns are (channel, frame, py, px).
 */
public record Qwen2VlImageProcessor(boolean doConvertRgb, boolean doResize, ResampleFilter resample, int minPixels,
        int maxPixels, int patchSize, int mergeSize, int temporalPatchSize, Normalizer normalizer)
        implements ImageProcessor {

    static Qwen2VlImageProcessor from(ProcessorConfig c) {
        int min = c.integer("min_pixels", c.sizeEntry("size", "min_pixels", 56 * 56));
        int max = c.integer("max_pixels", c.sizeEntry("size", "max_pixels", 28 * 28 * 1280));
        return new Qwen2VlImageProcessor(c.bool("do_convert_rgb", true), c.bool("do_resize", true),
                c.resample(ResampleFilter.BICUBIC), min, max, c.integer("patch_size", 14), c.integer("merge_size", 2),
                c.integer("temporal_patch_size", 2), c.normalizer(OPENAI_CLIP_MEAN, OPENAI_CLIP_STD));
    }

    @Override
    public ProcessedImage process(DecodedImage image) {
        Raster a = doConvertRgb ? PillowColor.toRgb(image)
                : new Raster(image.width(), image.height(), image.mode().channels(), image.pixels());
        a = ChannelInference.asReferenceReads(a, 1, 3);
        if (doResize) {
            int[] hw = smartResize(a.height(), a.width(), patchSize * mergeSize, minPixels, maxPixels);
            a = PillowResize.resize(a, hw[1], hw[0], resample);
        }
        int ch = a.channels();
        normalizer.checkChannels(ch);
        float[] chw = new float[ch * a.height() * a.width()];
        normalizer.writeChannelsFirst(a, chw, 0);
        int gh = a.height() / patchSize;
        int gw = a.width() / patchSize;
        int m = mergeSize;
        int p = patchSize;
        int cols = ch * temporalPatchSize * p * p;
        int rows = gh * gw;
        float[] out = new float[rows * cols];
        int width = a.width();
        int plane = a.height() * width;
        int row = 0;
        for (int bh = 0; bh < gh / m; bh++) {
            for (int bw = 0; bw < gw / m; bw++) {
                for (int mh = 0; mh < m; mh++) {
                    for (int mw = 0; mw < m; mw++) {
                        int y0 = (bh * m + mh) * p;
                        int x0 = (bw * m + mw) * p;
                        int o = row * cols;
                        for (int c = 0; c < ch; c++) {
                            for (int t = 0; t < temporalPatchSize; t++) {
                                // A still image is its own every frame (np.tile of the single frame).
                                for (int py = 0; py < p; py++) {
                                    System.arraycopy(chw, c * plane + (y0 + py) * width + x0, out, o, p);
                                    o += p;
                                }
                            }
                        }
                        row++;
                    }
                }
            }
        }
        long[] grid = {1, gh, gw};
        return new ProcessedImage(List.of(NdArray.ofFloats("pixel_values", out, rows, cols),
                NdArray.ofLongs("image_grid_thw", grid, 1, 3)), new ImageLayout.PatchGrid(1, gh, gw));
    }

    /** {@code smart_resize} of {@code image_processing_qwen2_vl}: (height, width); Python's round is half-even. */
    static int[] smartResize(int height, int width, int factor, int minPixels, int maxPixels) {
        if (height < factor || width < factor) {
            throw ImageException.valueError("height:" + height + " or width:" + width + " must be larger than factor:" + factor);
        }
        double ratio = (double) Math.max(height, width) / Math.min(height, width);
        if (ratio > 200) {
            throw ImageException.valueError("absolute aspect ratio must be smaller than 200, got " + PythonFloat.repr(ratio));
        }
        long hBar = (long) Math.rint((double) height / factor) * factor;
        long wBar = (long) Math.rint((double) width / factor) * factor;
        if (hBar * wBar > maxPixels) {
            double beta = Math.sqrt((double) ((long) height * width) / maxPixels);
            hBar = (long) Math.floor(height / beta / factor) * factor;
            wBar = (long) Math.floor(width / beta / factor) * factor;
        } else if (hBar * wBar < minPixels) {
            double beta = Math.sqrt((double) minPixels / ((long) height * width));
            hBar = (long) Math.ceil(height * beta / factor) * factor;
            wBar = (long) Math.ceil(width * beta / factor) * factor;
        }
        return new int[] {(int) hBar, (int) wBar};
    }
}
