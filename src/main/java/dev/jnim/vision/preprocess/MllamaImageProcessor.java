package dev.jnim.vision.preprocess;

import dev.jnim.vision.DecodedImage;
import dev.jnim.vision.ImageException;
import java.util.ArrayList;
import java.util.List;

/**
 * HF {@code MllamaImageProcessor} (Llama 3.2 Vision): composite onto white, pick the canvas of at most
 * {@code max_image_tiles} tiles that needs the least scaling, resize keeping the aspect ratio, zero-pad to the
 * canvas (before rescale/normalise, so padding becomes {@code -mean/std}), split into tiles. Unused tile slots
 * stay exactly 0.0.
 */
public record MllamaImageProcessor(boolean doConvertRgb, int tileSize, ResampleFilter resample, int maxImageTiles,
        Normalizer normalizer) implements ImageProcessor {

    static MllamaImageProcessor from(ProcessorConfig c) {
        int h = c.sizeEntry("size", "height", 224);
        int w = c.sizeEntry("size", "width", 224);
        if (h != w) {
            throw ImageException.valueError("Argument `size` must have the same height and width, got " + c.json().get("size"));
        }
        if (!c.bool("do_pad", true) || !c.bool("do_resize", true)) {
            throw new ImageException("MllamaImageProcessor supports only do_pad=True and do_resize=True");
        }
        return new MllamaImageProcessor(c.bool("do_convert_rgb", true), h, c.resample(ResampleFilter.BILINEAR),
                c.integer("max_image_tiles", 4), c.normalizer(OPENAI_CLIP_MEAN, OPENAI_CLIP_STD));
    }

    /** {@code get_all_supported_aspect_ratios}: (tiles high, tiles wide) pairs, in the order ids count them. */
    static List<int[]> supportedArrangements(int maxTiles) {
        List<int[]> out = new ArrayList<>();
        for (int a = 1; a <= maxTiles; a++) {
            for (int b = 1; b <= maxTiles; b++) {
                if (a * b <= maxTiles) {
                    out.add(new int[] {a, b});
                }
            }
        }
        return out;
    }

    @Override
    public ProcessedImage process(DecodedImage image) {
        Raster a = doConvertRgb ? PillowColor.compositeOnWhite(PillowColor.toRgba(image))
                : new Raster(image.width(), image.height(), image.mode().channels(), image.pixels());
        a = ChannelInference.asReferenceReads(a, 1, 3);
        List<int[]> arrangements = supportedArrangements(maxImageTiles);
        int best = optimalCanvas(a.height(), a.width(), arrangements);
        int tilesHigh = arrangements.get(best)[0];
        int tilesWide = arrangements.get(best)[1];
        int canvasH = tilesHigh * tileSize;
        int canvasW = tilesWide * tileSize;
        int[] hw = fitToCanvas(a.height(), a.width(), canvasH, canvasW, tileSize);
        a = PillowResize.resize(a, hw[1], hw[0], resample);
        int ch = a.channels();
        normalizer.checkChannels(ch);
        Raster padded = Raster.blank(canvasW, canvasH, ch);
        for (int y = 0; y < a.height(); y++) {
            System.arraycopy(a.data(), y * a.width() * ch, padded.data(), y * canvasW * ch, a.width() * ch);
        }
        float[] chw = new float[ch * canvasH * canvasW];
        normalizer.writeChannelsFirst(padded, chw, 0);
        int tilePlane = tileSize * tileSize;
        float[] pixels = new float[maxImageTiles * ch * tilePlane];
        for (int th = 0; th < tilesHigh; th++) {
            for (int tw = 0; tw < tilesWide; tw++) {
                int tile = th * tilesWide + tw;
                for (int c = 0; c < ch; c++) {
                    for (int y = 0; y < tileSize; y++) {
                        System.arraycopy(chw, (c * canvasH + th * tileSize + y) * canvasW + tw * tileSize, pixels,
                                ((tile * ch + c) * tileSize + y) * tileSize, tileSize);
                    }
                }
            }
        }
        int numTiles = tilesHigh * tilesWide;
        long[] mask = new long[maxImageTiles];
        mask[0] = 1;
        for (int i = 0; i < numTiles; i++) {
            mask[i] = 1;
        }
        return new ProcessedImage(List.of(
                NdArray.ofFloats("pixel_values", pixels, 1, 1, maxImageTiles, ch, tileSize, tileSize),
                NdArray.ofLongs("aspect_ratio_ids", new long[] {best + 1}, 1, 1),
                NdArray.ofLongs("aspect_ratio_mask", mask, 1, 1, maxImageTiles),
                NdArray.ofLongs("num_tiles", new long[] {numTiles}, 1, 1)),
                new ImageLayout.Canvas(tilesHigh, tilesWide, best + 1));
    }

    /**
     * {@code get_optimal_tiled_canvas}: the smallest upscale >= 1 if any canvas allows one, else the mildest
     * downscale; ties go to the smallest canvas area (first such in list order, as {@code np.argmin}).
     */
    private int optimalCanvas(int imageH, int imageW, List<int[]> arrangements) {
        int n = arrangements.size();
        double[] scales = new double[n];
        for (int i = 0; i < n; i++) {
            double sh = (double) (arrangements.get(i)[0] * tileSize) / imageH;
            double sw = (double) (arrangements.get(i)[1] * tileSize) / imageW;
            scales[i] = sw > sh ? sh : sw;
        }
        double selected = Double.NaN;
        for (double s : scales) {
            if (s >= 1 && (Double.isNaN(selected) || s < selected)) {
                selected = s;
            }
        }
        if (Double.isNaN(selected)) {
            for (double s : scales) {
                if (s < 1 && (Double.isNaN(selected) || s > selected)) {
                    selected = s;
                }
            }
        }
        int best = -1;
        long bestArea = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if (scales[i] == selected) {
                long area = (long) arrangements.get(i)[0] * tileSize * arrangements.get(i)[1] * tileSize;
                if (area < bestArea) {
                    bestArea = area;
                    best = i;
                }
            }
        }
        return best;
    }

    /** {@code get_image_size_fit_to_canvas}: (height, width) within the canvas, at least one tile per side. */
    static int[] fitToCanvas(int imageH, int imageW, int canvasH, int canvasW, int tileSize) {
        int targetW = Math.clamp(imageW, tileSize, canvasW);
        int targetH = Math.clamp(imageH, tileSize, canvasH);
        double scaleH = (double) targetH / imageH;
        double scaleW = (double) targetW / imageW;
        if (scaleW < scaleH) {
            return new int[] {Math.min((int) Math.floor(imageH * scaleW), targetH), targetW};
        }
        return new int[] {targetH, Math.min((int) Math.floor(imageW * scaleH), targetW)};
    }
}
