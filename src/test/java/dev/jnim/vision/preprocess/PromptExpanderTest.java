package dev.jnim.vision.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnim.vision.ImageException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expansion cases the goldens do not cover: unsplit Idefics3 images, several images, Mllama spans. */
class PromptExpanderTest {

    @Test
    void idefics3UnsplitImageHasOnlyTheGlobalPart() {
        var e = new Idefics3PromptExpander(2);
        assertThat(e.expand("a<image>b", List.of(new ImageLayout.Tiles(0, 0))))
                .isEqualTo("a<fake_token_around_image><global-img><image><image><fake_token_around_image>b");
        assertThat(e.imageTokens(new ImageLayout.Tiles(0, 0))).isEqualTo(2);
        assertThat(e.imageTokens(new ImageLayout.Tiles(2, 3))).isEqualTo(14);
    }

    @Test
    void qwenExpandsEachPadByItsOwnGrid() {
        var e = new Qwen2VlPromptExpander(2);
        String p = "<|vision_start|><|image_pad|><|vision_end|>x<|vision_start|><|image_pad|><|vision_end|>";
        assertThat(e.expand(p, List.of(new ImageLayout.PatchGrid(1, 2, 4), new ImageLayout.PatchGrid(1, 4, 4))))
                .isEqualTo("<|vision_start|>" + "<|image_pad|>".repeat(2) + "<|vision_end|>x<|vision_start|>"
                        + "<|image_pad|>".repeat(4) + "<|vision_end|>");
    }

    @Test
    void llavaFullStrategyKeepsTheClassToken() {
        var full = new LlavaPromptExpander(14, "full", 1);
        assertThat(full.imageTokens(new ImageLayout.Single(336, 336))).isEqualTo(577);
    }

    @Test
    void placeholderCountMustMatchTheImages() {
        assertThatThrownBy(() -> new LlavaPromptExpander(14, "default", 1).expand("no image", List.of(new ImageLayout.Single(14, 14))))
                .isInstanceOf(ImageException.class).hasMessageContaining("0 image placeholder(s)");
    }

    @Test
    void mllamaInsertsBosAfterLeadingImagesOnly() {
        var e = new MllamaPromptExpander();
        var two = List.<ImageLayout>of(new ImageLayout.Canvas(1, 1, 1), new ImageLayout.Canvas(1, 2, 2));
        assertThat(e.expand("<|image|><|image|>hi", two)).isEqualTo("<|image|><|image|><|begin_of_text|>hi");
        assertThat(e.expand("<|begin_of_text|>a<|image|>b<|image|>", two)).isEqualTo("<|begin_of_text|>a<|image|>b<|image|>");
    }

    @Test
    void mllamaConsecutiveImagesBothAttendToTheFollowingText() {
        // tokens: img img bos t t ; image 0 has 1 tile, image 1 has 2 tiles; max 2 tiles
        int[] ids = {-1, -1, 5, 6, 7};
        long[] m = MllamaPromptExpander.crossAttentionMask(ids, -1, new int[] {1, 2}, 2);
        // [s][image][tile]
        long[][][] want = {
                {{1, 0}, {0, 0}}, {{1, 0}, {1, 1}}, {{1, 0}, {1, 1}}, {{1, 0}, {1, 1}}, {{1, 0}, {1, 1}}};
        for (int s = 0; s < 5; s++) {
            for (int i = 0; i < 2; i++) {
                for (int t = 0; t < 2; t++) {
                    assertThat(m[(s * 2 + i) * 2 + t]).as("s%d i%d t%d", s, i, t).isEqualTo(want[s][i][t]);
                }
            }
        }
    }
}
