package dev.jnim.vision.preprocess;

import dev.jnim.vision.DecodedImage;

/**
 * Pillow 9.4's 8-bit mode conversions and alpha compositing ({@code libImaging/Convert.c},
 * {@code AlphaComposite.c}), reproduced exactly because the reference runs them before resizing.
 */
public final class PillowColor {

    /** Fraction bits of {@code ImagingAlphaComposite}'s integer blend. */
    private static final int COMPOSITE_BITS = 7;

    private PillowColor() {
    }

    /** {@code image.convert("RGB")}: alpha dropped without compositing, grey replicated, palette looked up. */
    public static Raster toRgb(DecodedImage image) {
        return dropAlpha(toRgba(image));
    }

    /** {@code image.convert("RGBA")}: alpha 255 where the mode has none; a palette's alpha comes from tRNS. */
    public static Raster toRgba(DecodedImage image) {
        int n = image.width() * image.height();
        byte[] src = image.pixels();
        byte[] out = new byte[n * 4];
        byte[] palette = image.palette();
        for (int i = 0; i < n; i++) {
            int o = i * 4;
            switch (image.mode()) {
                case L -> {
                    out[o] = out[o + 1] = out[o + 2] = src[i];
                    out[o + 3] = (byte) 255;
                }
                case LA -> {
                    out[o] = out[o + 1] = out[o + 2] = src[2 * i];
                    out[o + 3] = src[2 * i + 1];
                }
                case P -> {
                    int index = src[i] & 0xFF;
                    if (index * 4 + 3 < palette.length) {
                        System.arraycopy(palette, index * 4, out, o, 4);
                    } else {
                        // Entries past a short palette keep ImagingPaletteNew's opaque grey ramp.
                        out[o] = out[o + 1] = out[o + 2] = (byte) index;
                        out[o + 3] = (byte) 255;
                    }
                }
                case RGB -> {
                    out[o] = src[3 * i];
                    out[o + 1] = src[3 * i + 1];
                    out[o + 2] = src[3 * i + 2];
                    out[o + 3] = (byte) 255;
                }
                case RGBA -> System.arraycopy(src, 4 * i, out, o, 4);
            }
        }
        return new Raster(image.width(), image.height(), 4, out);
    }

    /** RGBA to RGB without compositing ({@code rgba2rgb}). */
    public static Raster dropAlpha(Raster rgba) {
        int n = rgba.width() * rgba.height();
        byte[] src = rgba.data();
        byte[] out = new byte[n * 3];
        for (int i = 0; i < n; i++) {
            out[3 * i] = src[4 * i];
            out[3 * i + 1] = src[4 * i + 1];
            out[3 * i + 2] = src[4 * i + 2];
        }
        return new Raster(rgba.width(), rgba.height(), 3, out);
    }

    /** Grey replicated into three channels, as {@code L -> RGB}. */
    public static Raster greyToRgb(Raster grey) {
        int n = grey.width() * grey.height();
        byte[] src = grey.data();
        byte[] out = new byte[n * 3];
        for (int i = 0; i < n; i++) {
            out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = src[i];
        }
        return new Raster(grey.width(), grey.height(), 3, out);
    }

    /**
     * {@code Image.alpha_composite(white, rgba).convert("RGB")}: the HF helper that Idefics3 and Mllama use to
     * flatten transparency, with {@code ImagingAlphaComposite}'s integer rounding.
     */
    public static Raster compositeOnWhite(Raster rgba) {
        int n = rgba.width() * rgba.height();
        byte[] src = rgba.data();
        byte[] out = new byte[n * 3];
        for (int i = 0; i < n; i++) {
            int a = src[4 * i + 3] & 0xFF;
            for (int c = 0; c < 3; c++) {
                int v;
                if (a == 0) {
                    v = 255;
                } else {
                    // dst is opaque white: blend = 255 * (255 - a), outa255 = 255 * 255.
                    int outa255 = a * 255 + 255 * (255 - a);
                    int coef1 = a * 255 * 255 * (1 << COMPOSITE_BITS) / outa255;
                    int coef2 = 255 * (1 << COMPOSITE_BITS) - coef1;
                    int tmp = (src[4 * i + c] & 0xFF) * coef1 + 255 * coef2 + (0x80 << COMPOSITE_BITS);
                    v = shiftForDiv255(tmp) >> COMPOSITE_BITS;
                }
                out[3 * i + c] = (byte) v;
            }
        }
        return new Raster(rgba.width(), rgba.height(), 3, out);
    }

    /** RGBA to premultiplied RGBa ({@code rgbA2rgba}, rounding with {@code MULDIV255}). */
    static Raster premultiply(Raster rgba) {
        byte[] src = rgba.data();
        byte[] out = new byte[src.length];
        for (int i = 0; i < src.length; i += 4) {
            int a = src[i + 3] & 0xFF;
            for (int c = 0; c < 3; c++) {
                int tmp = (src[i + c] & 0xFF) * a + 128;
                out[i + c] = (byte) (((tmp >> 8) + tmp) >> 8);
            }
            out[i + 3] = (byte) a;
        }
        return new Raster(rgba.width(), rgba.height(), 4, out);
    }

    /** Premultiplied RGBa back to RGBA ({@code rgba2rgbA}: truncating division, clipped). */
    static Raster unpremultiply(Raster rgba) {
        byte[] src = rgba.data();
        byte[] out = new byte[src.length];
        for (int i = 0; i < src.length; i += 4) {
            int a = src[i + 3] & 0xFF;
            for (int c = 0; c < 3; c++) {
                int v = src[i + c] & 0xFF;
                out[i + c] = (byte) (a == 255 || a == 0 ? v : Math.min(255, 255 * v / a));
            }
            out[i + 3] = (byte) a;
        }
        return new Raster(rgba.width(), rgba.height(), 4, out);
    }

    private static int shiftForDiv255(int a) {
        return ((a >> 8) + a) >> 8;
    }
}
