package dev.jnim.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.tensor.Npy;
import dev.jnim.tokenizer.ChatTemplate;
import dev.jnim.tokenizer.LoadedTokenizer;
import dev.jnim.tokenizer.TokenizerLoader;
import dev.jnim.vision.ImageDecoder;
import dev.jnim.vision.ImageLimits;
import dev.jnim.vision.preprocess.VisionPreprocessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jnim's tokenizer, chat template and LLaVA image processor turn the demo model's golden prompt and image into
 * exactly the token ids and pixel values the training recipe used.
 */
class DemoModelTest {

    @TempDir
    static Path dir;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void copyModel() {
        DemoModelFiles.copyTo(dir);
    }

    @Test
    void chatTemplateTokenizerAndProcessorReproduceTheRecipesPrompt() throws Exception {
        Path golden = Path.of(DemoModelTest.class.getResource("/golden/demo-vlm").toURI());
        JsonNode kase = JSON.readTree(golden.resolve("case.json").toFile());
        try (LoadedTokenizer tok = TokenizerLoader.load(dir)) {
            ChatTemplate template = ChatTemplate.fromConfig(tok.config(), null, false);
            // Text before the image in the request: the template still puts the image first, as in training.
            List<Map<String, Object>> messages = List.of(Map.of("role", "user", "content", List.of(
                    Map.of("type", "text", "text", "Describe the image."),
                    Map.of("type", "image_url", "image_url", Map.of("url", "data:...")))));
            String rendered = template.apply(messages, true, null, null);
            assertThat(rendered).isEqualTo(kase.path("prompts").path(0).asText());
            byte[] png = Files.readAllBytes(golden.resolve("images/scene_96.png"));
            var prepared = VisionPreprocessor.fromModelDir(dir).prepare(rendered,
                    List.of(new ImageDecoder(ImageLimits.DEFAULT).decode(png)));
            int[] ids = tok.tokenizer().encode(prepared.expandedPrompt(), true);
            long[] expected = Npy.read(golden.resolve("inputs/input_ids.npy")).longs();
            assertThat(Arrays.stream(ids).asLongStream().toArray()).containsExactly(expected);
            float[] pixels = prepared.images().getFirst().pixelValues().floats();
            float[] expectedPixels = Npy.read(golden.resolve("inputs/pixel_values.npy")).floats();
            assertThat(pixels).containsExactly(expectedPixels);
        }
    }
}
