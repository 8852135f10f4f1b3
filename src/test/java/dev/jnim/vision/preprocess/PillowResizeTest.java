package dev.jnim.vision.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Hand-checked cases of Pillow's fixed-point resampling (the goldens check the rest bit for bit). */
class PillowResizeTest {

    private static Raster grey(int w, int h, int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return new Raster(w, h, 1, b);
    }

    @Test
    void halvingTwoPixelsRoundsHalfUp() {
        // Bilinear 2 -> 1: both weights are 0.5 = 2^21 in fixed point; (0 + 255) / 2 = 127.5 rounds to 128.
        Raster out = PillowResize.resize(grey(2, 1, 0, 255), 1, 1, ResampleFilter.BILINEAR);
        assertThat(out.get(0, 0, 0)).isEqualTo(128);
    }

    @Test
    void negativeLobesClipToZeroAndFull() {
        // Lanczos/bicubic overshoot at a hard edge; Pillow clips to 0..255 instead of wrapping.
        Raster edge = grey(4, 1, 0, 0, 255, 255);
        for (ResampleFilter f : new ResampleFilter[] {ResampleFilter.LANCZOS, ResampleFilter.BICUBIC}) {
            Raster up = PillowResize.resize(edge, 16, 1, f);
            int min = 255;
            int max = 0;
            for (int x = 0; x < 16; x++) {
                min = Math.min(min, up.get(x, 0, 0));
                max = Math.max(max, up.get(x, 0, 0));
            }
            assertThat(min).as(f.name()).isZero();
            assertThat(max).as(f.name()).isEqualTo(255);
            assertThat(up.get(7, 0, 0)).as(f.name()).isBetween(1, 254);
        }
    }

    @Test
    void nearestPicksTheSourcePixelUnderEachCentre() {
        Raster out = PillowResize.resize(grey(3, 1, 10, 20, 30), 7, 1, ResampleFilter.NEAREST);
        int[] got = new int[7];
        for (int x = 0; x < 7; x++) {
            got[x] = out.get(x, 0, 0);
        }
        // centres (x + 0.5) * 3 / 7 = 0.21, 0.64, 1.07, 1.5, 1.93, 2.36, 2.79
        assertThat(got).containsExactly(10, 10, 20, 20, 20, 30, 30);
    }

    @Test
    void rgbaIsResizedPremultiplied() {
        // A transparent red pixel next to an opaque blue one: premultiplied, the red does not bleed in.
        Raster rgba = new Raster(2, 1, 4, new byte[] {(byte) 255, 0, 0, 0, 0, 0, (byte) 255, (byte) 255});
        Raster out = PillowResize.resize(rgba, 1, 1, ResampleFilter.BILINEAR);
        assertThat(out.get(0, 0, 0)).isZero();
        assertThat(out.get(0, 0, 2)).isEqualTo(255);
        assertThat(out.get(0, 0, 3)).isEqualTo(128);
    }

    @Test
    void sameSizeIsACopy() {
        Raster in = grey(2, 2, 1, 2, 3, 4);
        Raster out = PillowResize.resize(in, 2, 2, ResampleFilter.LANCZOS);
        assertThat(out.data()).containsExactly(in.data()).isNotSameAs(in.data());
    }
}
