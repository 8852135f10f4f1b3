package dev.jnim.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GenerationOptionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static GenerationOptions chat(String json) throws Exception {
        return GenerationOptions.parse(JSON.readTree(json), true, 1000);
    }

    @Test
    void defaultsAreOpenAis() throws Exception {
        GenerationOptions o = chat("{}");
        assertThat(o.maxTokens()).isNull();
        assertThat(o.temperature()).isEqualTo(1.0);
        assertThat(o.topP()).isEqualTo(1.0);
        assertThat(o.topK()).isZero();
        assertThat(o.n()).isEqualTo(1);
        assertThat(o.stream()).isFalse();
        assertThat(o.skipSpecialTokens()).isTrue();
        assertThat(o.seedOf(3)).isNull();
    }

    @Test
    void nvextAppliesWhenTheTopLevelFieldIsAbsent() throws Exception {
        GenerationOptions o = chat("{\"nvext\":{\"top_k\":5,\"repetition_penalty\":1.2,\"ignore_eos\":true}}");
        assertThat(o.topK()).isEqualTo(5);
        assertThat(o.repetitionPenalty()).isEqualTo(1.2);
        assertThat(o.ignoreEos()).isTrue();
        o = chat("{\"top_k\":7,\"nvext\":{\"top_k\":5}}");
        assertThat(o.topK()).isEqualTo(7);
        assertThatThrownBy(() -> chat("{\"nvext\":{\"top_k\":\"x\"}}")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.param()).isEqualTo("nvext.top_k"));
    }

    @Test
    void fieldsAreReadWithTheirOpenAiMeaning() throws Exception {
        GenerationOptions o = chat("{\"max_tokens\":9,\"max_completion_tokens\":4,\"top_k\":-1,\"seed\":10,"
                + "\"stop\":\"END\",\"stop_token_ids\":[3,4],\"logit_bias\":{\"12\":-100},\"logprobs\":true,"
                + "\"top_logprobs\":3,\"stream\":true,\"stream_options\":{\"include_usage\":true},\"user\":\"u\"}");
        assertThat(o.maxTokens()).as("max_completion_tokens wins").isEqualTo(4);
        assertThat(o.topK()).isZero();
        assertThat(o.seedOf(2)).isEqualTo(12L);
        assertThat(o.stop()).isEqualTo(List.of("END"));
        assertThat(o.stopTokenIds()).isEqualTo(Set.of(3, 4));
        assertThat(o.logitBias()).isEqualTo(Map.of(12, -100.0));
        assertThat(o.logprobs()).isTrue();
        assertThat(o.topLogprobs()).isEqualTo(3);
        assertThat(o.includeUsage()).isTrue();
        assertThat(o.user()).isEqualTo("u");
    }

    @Test
    void textCompletionLogprobsIsAnInteger() throws Exception {
        JsonNode body = JSON.readTree("{\"logprobs\":2}");
        GenerationOptions o = GenerationOptions.parse(body, false, 1000);
        assertThat(o.logprobs()).isTrue();
        assertThat(o.topLogprobs()).isEqualTo(2);
        assertThatThrownBy(() -> GenerationOptions.parse(JSON.readTree("{\"logprobs\":9}"), false, 1000))
                .hasMessageContaining("[0, 5]");
    }

    @Test
    void rangesAreEnforced() {
        assertThatThrownBy(() -> chat("{\"frequency_penalty\":3}")).hasMessageContaining("[-2, 2]");
        assertThatThrownBy(() -> chat("{\"repetition_penalty\":0}")).hasMessageContaining("(0, 2]");
        assertThatThrownBy(() -> chat("{\"min_p\":-0.1}")).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> chat("{\"n\":0}")).hasMessageContaining("[1, 128]");
        assertThatThrownBy(() -> chat("{\"top_logprobs\":2}")).hasMessageContaining("logprobs");
        assertThatThrownBy(() -> chat("{\"stop_token_ids\":[1000]}")).hasMessageContaining("[0, 999]");
        assertThatThrownBy(() -> chat("{\"stop\":[\"\"]}")).hasMessageContaining("empty");
        assertThatThrownBy(() -> chat("{\"logit_bias\":{\"5\":101}}")).hasMessageContaining("[-100, 100]");
        assertThatThrownBy(() -> chat("{\"best_of\":3}")).hasMessageContaining("not supported yet");
    }
}
