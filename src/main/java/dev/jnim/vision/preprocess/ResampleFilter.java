package dev.jnim.vision.preprocess;

/**
 * Pillow's resampling filters, numbered as {@code PIL.Image.Resampling} (the {@code resample} value in
 * {@code preprocessor_config.json}), with the support radius of each kernel as in Pillow's {@code Resample.c}.
 */
public enum ResampleFilter {
    NEAREST(0, 0.0),
    LANCZOS(1, 3.0),
    BILINEAR(2, 1.0),
    BICUBIC(3, 2.0),
    BOX(4, 0.5),
    HAMMING(5, 1.0);

    private final int pilId;
    private final double support;

    ResampleFilter(int pilId, double support) {
        this.pilId = pilId;
        this.support = support;
    }

    /** The filter for a {@code PIL.Image.Resampling} number. */
    public static ResampleFilter ofPil(int id) {
        for (ResampleFilter f : values()) {
            if (f.pilId == id) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown PIL resampling filter " + id + " (expected 0..5)");
    }

    double support() {
        return support;
    }

    /** The kernel at {@code x}, in double precision exactly as Pillow's C filter functions compute it. */
    double kernel(double x) {
        return switch (this) {
            case NEAREST -> throw new IllegalStateException("nearest has no kernel");
            case BOX -> (x > -0.5 && x <= 0.5) ? 1.0 : 0.0;
            case BILINEAR -> {
                double a = Math.abs(x);
                yield a < 1.0 ? 1.0 - a : 0.0;
            }
            case HAMMING -> {
                double a = Math.abs(x);
                if (a == 0.0) {
                    yield 1.0;
                }
                if (a >= 1.0) {
                    yield 0.0;
                }
                a = a * Math.PI;
                // Pillow writes the window constants as C floats (0.54f, 0.46f), widened to double.
                yield StrictMath.sin(a) / a * ((double) 0.54f + (double) 0.46f * StrictMath.cos(a));
            }
            case BICUBIC -> {
                // Keys' cubic with a = -0.5, as Pillow's bicubic_filter.
                double a = Math.abs(x);
                if (a < 1.0) {
                    yield ((-0.5 + 2.0) * a - (-0.5 + 3.0)) * a * a + 1;
                }
                if (a < 2.0) {
                    yield (((a - 5) * a + 8) * a - 4) * -0.5;
                }
                yield 0.0;
            }
            case LANCZOS -> (-3.0 <= x && x < 3.0) ? sinc(x) * sinc(x / 3) : 0.0;
        };
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        x = x * Math.PI;
        return StrictMath.sin(x) / x;
    }
}
