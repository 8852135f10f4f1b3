package dev.jnim.vision.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.vision.DecodedImage;
import dev.jnim.vision.ImageMode;
import org.junit.jupiter.api.Test;

class PillowColorTest {

    @Test
    void compositingOpaquePixelsChangesNothingAndTransparentOnesBecomeWhite() {
        byte[] px = new byte[256 * 4];
        for (int v = 0; v < 256; v++) {
            px[4 * v] = (byte) v;
            px[4 * v + 1] = (byte) (255 - v);
            px[4 * v + 2] = (byte) (v / 2);
            px[4 * v + 3] = (byte) 255;
        }
        Raster out = PillowColor.compositeOnWhite(new Raster(256, 1, 4, px));
        for (int v = 0; v < 256; v++) {
            assertThat(new int[] {out.get(v, 0, 0), out.get(v, 0, 1), out.get(v, 0, 2)}).containsExactly(v, 255 - v, v / 2);
        }
        Raster clear = PillowColor.compositeOnWhite(new Raster(1, 1, 4, new byte[] {10, 20, 30, 0}));
        assertThat(clear.data()).containsExactly((byte) 255, (byte) 255, (byte) 255);
    }

    @Test
    void halfTransparentBlackOnWhiteIsMidGrey() {
        Raster out = PillowColor.compositeOnWhite(new Raster(1, 1, 4, new byte[] {0, 0, 0, (byte) 128}));
        assertThat(out.get(0, 0, 0)).isEqualTo(127);
    }

    @Test
    void convertRgbDropsAlphaAndLooksUpPalettes() {
        DecodedImage rgba = new DecodedImage(1, 1, ImageMode.RGBA, new byte[] {10, 20, 30, 0}, null);
        assertThat(PillowColor.toRgb(rgba).data()).containsExactly((byte) 10, (byte) 20, (byte) 30);
        DecodedImage p = new DecodedImage(2, 1, ImageMode.P, new byte[] {1, 9},
                new byte[] {0, 0, 0, (byte) 255, 7, 8, 9, (byte) 255});
        // Index 9 is past the 2-entry palette: Pillow's default grey ramp.
        assertThat(PillowColor.toRgb(p).data()).containsExactly((byte) 7, (byte) 8, (byte) 9, (byte) 9, (byte) 9, (byte) 9);
    }
}
