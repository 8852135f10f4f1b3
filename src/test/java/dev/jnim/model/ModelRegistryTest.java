package dev.jnim.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

    @Test
    void unknownArchitectureListsTheSupportedOnes() {
        assertThatThrownBy(() -> ModelRegistry.loader("GPT2LMHeadModel"))
                .isInstanceOf(UnsupportedArchitectureException.class)
                .hasMessage("unsupported architecture: GPT2LMHeadModel (supported: Idefics3ForConditionalGeneration, LlamaForCausalLM, LlavaForConditionalGeneration, MllamaForConditionalGeneration, Qwen2ForCausalLM, Qwen2VLForConditionalGeneration)");
    }

    @Test
    void configErrorsNameTheFileAndField(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ModelConfig.load(dir)).hasMessageContaining("config.json").hasMessageContaining("not found");
        Files.writeString(dir.resolve("config.json"), "{\"architectures\": []}");
        assertThatThrownBy(() -> ModelConfig.load(dir)).hasMessageContaining("'architectures'");
        Files.writeString(dir.resolve("config.json"),
                "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 64, \"num_attention_heads\": 4,"
                        + " \"num_key_value_heads\": 3}");
        ModelConfig c = ModelConfig.load(dir);
        assertThatThrownBy(() -> DecoderConfig.parse(c.json(), c.source(), false))
                .hasMessageContaining("num_key_value_heads (3)");
    }

    @Test
    void explicitHeadDimAndDefaultsAreRead() {
        ModelConfig c = RandomModels.shape("smollm2-135m");
        DecoderConfig d = DecoderConfig.parse(c.json(), c.source(), false);
        assertThat(d.headDim()).isEqualTo(64);
        assertThat(d.kvDim()).isEqualTo(192);
        assertThat(d.tieWordEmbeddings()).isTrue();
        assertThat(d.qkvBias()).isFalse();
        assertThat(DecoderConfig.parse(c.json(), c.source(), true).qkvBias()).isTrue();
    }
}
