package dev.jnim.vision.preprocess;

/**
 * {@code PIL.Image.resize} of Pillow 9.4 on 8-bit images, bit for bit.
 *
 * <p>Convolution filters follow {@code ImagingResample} in {@code libImaging/Resample.c}: per output pixel a
 * window of source pixels whose kernel is stretched by the downscale factor; the double weights are normalised
 * to sum 1, then turned into fixed point with {@value #PRECISION_BITS} fraction bits; a horizontal pass then a
 * vertical pass, each rounding (half added up front) and clipping to uint8. {@link ResampleFilter#NEAREST}
 * follows {@code ImagingScaleAffine} in {@code Geometry.c}. Four-channel rasters are RGBA: like
 * {@code Image.resize}, they are premultiplied ({@code RGBa}), resized, and un-premultiplied.
 */
public final class PillowResize {

    /** 32 bits minus 8 for the result minus 2 for overflow of negative lobes, as Pillow. */
    static final int PRECISION_BITS = 32 - 8 - 2;

    private PillowResize() {
    }

    /** The resized raster; 1, 2 or 3 channels are resized independently, 4 channels as RGBA. */
    public static Raster resize(Raster in, int outWidth, int outHeight, ResampleFilter filter) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + outWidth + "x" + outHeight);
        }
        if (in.width() == outWidth && in.height() == outHeight) {
            // Image.resize returns a copy when size and box are unchanged.
            return new Raster(outWidth, outHeight, in.channels(), in.data().clone());
        }
        if (filter == ResampleFilter.NEAREST) {
            return nearest(in, outWidth, outHeight);
        }
        if (in.channels() == 4) {
            Raster premultiplied = PillowColor.premultiply(in);
            return PillowColor.unpremultiply(convolve(premultiplied, outWidth, outHeight, filter));
        }
        return convolve(in, outWidth, outHeight, filter);
    }

    /** Fixed-point weights of one pass: for output index i, {@code count[i]} weights from source {@code first[i]}. */
    private record Coefficients(int ksize, int[] first, int[] count, int[] weights) {
    }

    /** As Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}. */
    private static Coefficients coefficients(int inSize, int outSize, ResampleFilter filter) {
        // box = (0, inSize): in1 - in0 is a float difference widened to double.
        double scale = (double) (float) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support() * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        double ss = 1.0 / filterScale;
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = filter.kernel((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0.0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                        : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            first[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(ksize, first, count, weights);
    }

    private static Raster convolve(Raster in, int outWidth, int outHeight, ResampleFilter filter) {
        int channels = in.channels();
        Coefficients vert = coefficients(in.height(), outHeight, filter);
        boolean needHorizontal = outWidth != in.width();
        boolean needVertical = outHeight != in.height();
        Raster src = in;
        int rowOffset = 0;
        if (needHorizontal) {
            // Only the source rows the vertical pass reads, as ImagingResampleInner's ybox_first/ybox_last.
            int yFirst = vert.first()[0];
            int yLast = vert.first()[outHeight - 1] + vert.count()[outHeight - 1];
            Coefficients horiz = coefficients(in.width(), outWidth, filter);
            src = horizontal(in, yFirst, yLast - yFirst, outWidth, horiz);
            rowOffset = yFirst;
        }
        if (!needVertical) {
            return src;
        }
        return vertical(src, rowOffset, outHeight, vert, channels);
    }

    private static Raster horizontal(Raster in, int yFirst, int rows, int outWidth, Coefficients c) {
        int ch = in.channels();
        byte[] src = in.data();
        byte[] dst = new byte[outWidth * rows * ch];
        int inStride = in.width() * ch;
        int[] w = c.weights();
        int ksize = c.ksize();
        int half = 1 << (PRECISION_BITS - 1);
        for (int y = 0; y < rows; y++) {
            int rowBase = (y + yFirst) * inStride;
            int outBase = y * outWidth * ch;
            for (int xx = 0; xx < outWidth; xx++) {
                int n = c.count()[xx];
                int kBase = xx * ksize;
                int p = rowBase + c.first()[xx] * ch;
                int o = outBase + xx * ch;
                if (ch == 3) {
                    // RGB: the three sums in one sweep over the window (same integer sums as per band).
                    int s0 = half;
                    int s1 = half;
                    int s2 = half;
                    for (int x = 0; x < n; x++, p += 3) {
                        int k = w[kBase + x];
                        s0 += (src[p] & 0xFF) * k;
                        s1 += (src[p + 1] & 0xFF) * k;
                        s2 += (src[p + 2] & 0xFF) * k;
                    }
                    dst[o] = clip8(s0);
                    dst[o + 1] = clip8(s1);
                    dst[o + 2] = clip8(s2);
                } else {
                    for (int b = 0; b < ch; b++) {
                        int ss = half;
                        int q = p + b;
                        for (int x = 0; x < n; x++, q += ch) {
                            ss += (src[q] & 0xFF) * w[kBase + x];
                        }
                        dst[o + b] = clip8(ss);
                    }
                }
            }
        }
        return new Raster(outWidth, rows, ch, dst);
    }

    private static Raster vertical(Raster in, int rowOffset, int outHeight, Coefficients c, int ch) {
        int width = in.width();
        int stride = width * ch;
        byte[] src = in.data();
        byte[] dst = new byte[outHeight * stride];
        int[] w = c.weights();
        int ksize = c.ksize();
        // Row-wise accumulation reads the source sequentially; integer sums do not depend on the order.
        int[] acc = new int[stride];
        for (int yy = 0; yy < outHeight; yy++) {
            int ymin = c.first()[yy] - rowOffset;
            int n = c.count()[yy];
            int kBase = yy * ksize;
            java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
            for (int y = 0; y < n; y++) {
                int k = w[kBase + y];
                int p = (ymin + y) * stride;
                for (int i = 0; i < stride; i++) {
                    acc[i] += (src[p + i] & 0xFF) * k;
                }
            }
            int outBase = yy * stride;
            for (int i = 0; i < stride; i++) {
                dst[outBase + i] = clip8(acc[i]);
            }
        }
        return new Raster(width, outHeight, ch, dst);
    }

    /** Pillow's {@code clip8}: drop the fraction bits (arithmetic shift) and clamp to 0..255. */
    private static byte clip8(int ss) {
        int v = ss >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /**
     * Nearest neighbour as Pillow's {@code ImagingScaleAffine}: the source coordinate starts at half a step and
     * accumulates the step in double precision, truncated to an index.
     */
    private static Raster nearest(Raster in, int outWidth, int outHeight) {
        int ch = in.channels();
        double ax = (double) (float) in.width() / outWidth;
        double ay = (double) (float) in.height() / outHeight;
        int[] xin = new int[outWidth];
        double xo = ax * 0.5;
        for (int x = 0; x < outWidth; x++) {
            int xi = coord(xo);
            // Out of range (float drift at the edge) keeps Pillow's fill value, 0.
            xin[x] = xi < in.width() ? xi : -1;
            xo += ax;
        }
        byte[] src = in.data();
        byte[] dst = new byte[outWidth * outHeight * ch];
        double yo = ay * 0.5;
        for (int y = 0; y < outHeight; y++) {
            int yi = coord(yo);
            if (yi >= 0 && yi < in.height()) {
                int rowBase = yi * in.width() * ch;
                int outBase = y * outWidth * ch;
                for (int x = 0; x < outWidth; x++) {
                    if (xin[x] >= 0) {
                        System.arraycopy(src, rowBase + xin[x] * ch, dst, outBase + x * ch, ch);
                    }
                }
            }
            yo += ay;
        }
        return new Raster(outWidth, outHeight, ch, dst);
    }

    private static int coord(double v) {
        return v < 0.0 ? -1 : (int) v;
    }
}
