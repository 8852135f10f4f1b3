package dev.jnim.vision.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.vision.DecodedImage;
import dev.jnim.vision.ImageException;
import dev.jnim.vision.ImageMode;
import org.junit.jupiter.api.Test;

class ImageProcessorTest {

    private static ImageProcessor processor(String json) throws Exception {
        return ImageProcessor.fromConfig(new ObjectMapper().readTree(json));
    }

    @Test
    void smartResizeKeepsPixelsInRangeAndRejectsTinyOrThinImages() {
        assertThat(Qwen2VlImageProcessor.smartResize(480, 640, 28, 3136, 12845056)).containsExactly(476, 644);
        assertThat(Qwen2VlImageProcessor.smartResize(30, 30, 28, 3136, 12845056)).containsExactly(56, 56);
        assertThatThrownBy(() -> Qwen2VlImageProcessor.smartResize(28, 28 * 201, 28, 3136, 12845056))
                .isInstanceOf(ImageException.class)
                .hasMessage("absolute aspect ratio must be smaller than 200, got 201.0");
    }

    @Test
    void unknownProcessorTypeIsRefusedByName() {
        assertThatThrownBy(() -> processor("{\"image_processor_type\": \"SiglipImageProcessor\"}"))
                .isInstanceOf(ImageException.class).hasMessageContaining("'SiglipImageProcessor'");
    }

    @Test
    void llavaPadToSquareFillsWithTheMeanColour() throws Exception {
        ImageProcessor p = processor("""
                {"image_processor_type": "LlavaImageProcessor", "do_pad": true, "do_resize": false,
                 "do_center_crop": false, "do_normalize": false, "do_rescale": false}""");
        DecodedImage wide = new DecodedImage(4, 2, ImageMode.L, new byte[8], null);
        NdArray pv = p.process(wide).pixelValues();
        assertThat(pv.shape()).containsExactly(1, 3, 4, 4);
        // Row 0 is padding: int(0.48145466 * 255) = 122 in the red plane; row 1 is the (black) image.
        assertThat(pv.floats()[0]).isEqualTo(122f);
        assertThat(pv.floats()[4]).isEqualTo(0f);
    }

    @Test
    void mllamaFillsUnusedTileSlotsWithExactZeros() throws Exception {
        ImageProcessor p = processor("""
                {"image_processor_type": "MllamaImageProcessor", "size": {"height": 8, "width": 8},
                 "max_image_tiles": 4}""");
        byte[] px = new byte[16 * 8 * 3];
        java.util.Arrays.fill(px, (byte) 200);
        ProcessedImage out = p.process(new DecodedImage(16, 8, ImageMode.RGB, px, null));
        assertThat(((ImageLayout.Canvas) out.layout()).numTiles()).isEqualTo(2);
        assertThat(out.array("aspect_ratio_ids").longs()).containsExactly(2);
        assertThat(out.array("aspect_ratio_mask").longs()).containsExactly(1, 1, 0, 0);
        float[] pv = out.pixelValues().floats();
        int tile = 3 * 8 * 8;
        for (int i = 2 * tile; i < 4 * tile; i++) {
            assertThat(pv[i]).isZero();
        }
        assertThat(pv[0]).isNotZero();
    }
}
