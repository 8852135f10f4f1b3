package dev.jnim.vision.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.vision.DecodedImage;
import dev.jnim.vision.ImageDecoder;
import dev.jnim.vision.ImageLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisionPreprocessorTest {

    @TempDir
    Path tmp;

    @Test
    void modelDirectoryGivesDecodeProcessExpand() throws Exception {
        Path root = GoldenPreprocessTest.goldenRoot();
        Files.copy(root.resolve("idefics3-small/preprocessor_config.json"), tmp.resolve("preprocessor_config.json"));
        Files.writeString(tmp.resolve("processor_config.json"), "{\"image_seq_len\": 4, \"processor_class\": \"Idefics3Processor\"}");
        VisionPreprocessor vp = VisionPreprocessor.fromModelDir(tmp);
        ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
        DecodedImage a = decoder.decode(Files.readAllBytes(root.resolve("images/wide_1000x300.png")));
        DecodedImage b = decoder.decode(Files.readAllBytes(root.resolve("images/gradient_37x91.png")));

        VisionPreprocessor.Prepared p = vp.prepare("x<image>y<image>z", List.of(a, b));

        // wide: 1x3 tiles + global = 4 frames; gradient: 3x2 + global = 7 frames; 4 tokens each.
        assertThat(p.imageTokens()).isEqualTo((4 + 7) * 4);
        assertThat(p.images()).hasSize(2);
        assertThat(p.images().get(1).pixelValues().shape()).containsExactly(1, 7, 3, 32, 32);
        assertThat(p.expandedPrompt()).startsWith("x<fake_token_around_image><row_1_col_1><image>")
                .contains("<row_3_col_2>").endsWith("<fake_token_around_image>z");
        assertThat(p.expandedPrompt().split("<image>", -1)).hasSize(44 + 1);
    }

    @Test
    void processorClassFallsBackToTheImageProcessorType() throws Exception {
        Path root = GoldenPreprocessTest.goldenRoot();
        Files.copy(root.resolve("qwen2vl-small/preprocessor_config.json"), tmp.resolve("preprocessor_config.json"));
        VisionPreprocessor vp = VisionPreprocessor.fromModelDir(tmp);
        assertThat(vp.expander()).isEqualTo(new Qwen2VlPromptExpander(2));
    }
}
