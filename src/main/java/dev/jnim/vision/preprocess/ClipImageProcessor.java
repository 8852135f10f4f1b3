package dev.jnim.vision.preprocess;

import dev.jnim.vision.DecodedImage;
import java.util.List;

/**
 * HF {@code CLIPImageProcessor} (LLaVA-1.5): {@code convert("RGB")} (alpha dropped, not composited), resize the
 * shortest edge, center crop, rescale/normalise. With {@code do_pad} (LLaVA's {@code LlavaImageProcessor}) the
 * image is first padded to a square filled with the mean colour, as {@code pad_to_square}.
 */
public record ClipImageProcessor(boolean doConvertRgb, boolean doPadToSquare, boolean doResize, int shortestEdge,
        int resizeHeight, int resizeWidth, ResampleFilter resample, boolean doCenterCrop, int cropHeight,
        int cropWidth, Normalizer normalizer, int[] padColor) implements ImageProcessor {

    static ClipImageProcessor from(ProcessorConfig c) {
        boolean shortest = c.has("size", "shortest_edge");
        int shortestEdge = shortest ? c.sizeEntry("size", "shortest_edge", 224) : -1;
        return new ClipImageProcessor(c.bool("do_convert_rgb", true),
                c.type().equals("LlavaImageProcessor") && c.bool("do_pad", false), c.bool("do_resize", true),
                shortestEdge, c.sizeEntry("size", "height", 224), c.sizeEntry("size", "width", 224),
                c.resample(ResampleFilter.BICUBIC), c.bool("do_center_crop", true),
                c.sizeEntry("crop_size", "height", 224), c.sizeEntry("crop_size", "width", 224),
                c.normalizer(OPENAI_CLIP_MEAN, OPENAI_CLIP_STD), padColor(c));
    }

    /** {@code tuple(int(x * 255) for x in image_mean)}, from the config's doubles. */
    private static int[] padColor(ProcessorConfig c) {
        var mean = c.json().path("image_mean");
        int[] color = new int[3];
        for (int i = 0; i < 3; i++) {
            double m = mean.isArray() ? mean.path(Math.min(i, mean.size() - 1)).asDouble(OPENAI_CLIP_MEAN[i])
                    : mean.isNumber() ? mean.asDouble() : OPENAI_CLIP_MEAN[i];
            color[i] = (int) (m * 255);
        }
        return color;
    }

    @Override
    public ProcessedImage process(DecodedImage image) {
        Raster a = doConvertRgb ? PillowColor.toRgb(image)
                : new Raster(image.width(), image.height(), image.mode().channels(), image.pixels());
        a = ChannelInference.asReferenceReads(a, 1, 3);
        if (doPadToSquare) {
            a = padToSquare(a);
        }
        if (doResize) {
            int h;
            int w;
            if (shortestEdge > 0) {
                int[] hw = shortestEdgeSize(a.height(), a.width(), shortestEdge);
                h = hw[0];
                w = hw[1];
            } else {
                h = resizeHeight;
                w = resizeWidth;
            }
            a = PillowResize.resize(a, w, h, resample);
        }
        if (doCenterCrop) {
            a = centerCrop(a, cropHeight, cropWidth);
        }
        normalizer.checkChannels(a.channels());
        float[] pixels = new float[a.channels() * a.height() * a.width()];
        normalizer.writeChannelsFirst(a, pixels, 0);
        return new ProcessedImage(List.of(NdArray.ofFloats("pixel_values", pixels, 1, a.channels(), a.height(), a.width())),
                new ImageLayout.Single(a.height(), a.width()));
    }

    /** {@code get_resize_output_image_size(size=shortest_edge, default_to_square=False)}: (height, width). */
    static int[] shortestEdgeSize(int height, int width, int size) {
        boolean portrait = width <= height;
        int shortSide = portrait ? width : height;
        int longSide = portrait ? height : width;
        int newLong = (int) ((double) ((long) size * longSide) / shortSide);
        return portrait ? new int[] {newLong, size} : new int[] {size, newLong};
    }

    /** {@code image_transforms.center_crop}, zero-padding first when the image is smaller than the crop. */
    static Raster centerCrop(Raster a, int cropH, int cropW) {
        int top = Math.floorDiv(a.height() - cropH, 2);
        int left = Math.floorDiv(a.width() - cropW, 2);
        if (top >= 0 && left >= 0 && top + cropH <= a.height() && left + cropW <= a.width()) {
            return a.crop(left, top, left + cropW, top + cropH);
        }
        int newH = Math.max(cropH, a.height());
        int newW = Math.max(cropW, a.width());
        int topPad = (newH - a.height() + 1) / 2;
        int leftPad = (newW - a.width() + 1) / 2;
        Raster padded = Raster.blank(newW, newH, a.channels());
        for (int y = 0; y < a.height(); y++) {
            System.arraycopy(a.data(), y * a.width() * a.channels(), padded.data(),
                    ((y + topPad) * newW + leftPad) * a.channels(), a.width() * a.channels());
        }
        int y0 = Math.max(0, top + topPad);
        int x0 = Math.max(0, left + leftPad);
        return padded.crop(x0, y0, Math.min(newW, left + leftPad + cropW), Math.min(newH, top + topPad + cropH));
    }

    /** {@code LlavaImageProcessor.pad_to_square} with background {@code int(mean * 255)} per channel. */
    private Raster padToSquare(Raster a) {
        if (a.height() == a.width()) {
            return a;
        }
        int dim = Math.max(a.height(), a.width());
        int ch = a.channels();
        Raster out = Raster.blank(dim, dim, ch);
        byte[] d = out.data();
        for (int i = 0; i < dim * dim; i++) {
            for (int c = 0; c < ch; c++) {
                d[i * ch + c] = (byte) padColor[Math.min(c, padColor.length - 1)];
            }
        }
        int yOff = a.width() > a.height() ? (dim - a.height()) / 2 : 0;
        int xOff = a.width() > a.height() ? 0 : (dim - a.width()) / 2;
        for (int y = 0; y < a.height(); y++) {
            System.arraycopy(a.data(), y * a.width() * ch, d, ((y + yOff) * dim + xOff) * ch, a.width() * ch);
        }
        return out;
    }
}
