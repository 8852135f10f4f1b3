package dev.jnim.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Chunks as vLLM, NIM, llama.cpp and OpenAI send them. */
class StreamChunkTest {

    private final ObjectMapper json = new ObjectMapper();

    private StreamChunk parse(String data) throws StreamChunk.MalformedChunkException {
        return StreamChunk.parse(json, data);
    }

    @Test
    void roleOnlyAndEmptyContentChunksCarryNoToken() throws Exception {
        StreamChunk c = parse("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}");
        assertThat(c.hasContent()).isFalse();
        assertThat(c.finished()).isFalse();
        assertThat(c.completionTokens()).isEqualTo(-1);
        assertThat(c.error()).isNull();
    }

    @Test
    void chatContentCompletionTextAndReasoningAreTokens() throws Exception {
        assertThat(parse("{\"choices\":[{\"delta\":{\"content\":\" Hi\"}}]}").hasContent()).isTrue();
        assertThat(parse("{\"choices\":[{\"text\":\"x\",\"finish_reason\":null}]}").hasContent()).isTrue();
        assertThat(parse("{\"choices\":[{\"delta\":{\"reasoning_content\":\"hmm\",\"content\":null}}]}").hasContent()).isTrue();
        assertThat(parse("{\"choices\":[{\"delta\":{\"content\":null}}]}").hasContent()).isFalse();
    }

    @Test
    void finishReasonAndUsageAreRead() throws Exception {
        StreamChunk fin = parse("{\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}");
        assertThat(fin.finished()).isTrue();
        StreamChunk usage = parse("{\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34,"
                + "\"total_tokens\":46,\"prompt_tokens_details\":{\"cached_tokens\":8}},\"nvext\":{\"whatever\":1}}");
        assertThat(usage.completionTokens()).isEqualTo(34);
        assertThat(usage.promptTokens()).isEqualTo(12);
        assertThat(usage.cachedTokens()).isEqualTo(8);
        assertThat(parse("{\"choices\":[],\"usage\":null}").completionTokens()).isEqualTo(-1);
    }

    @Test
    void errorObjectsInBothShapesAreErrors() throws Exception {
        assertThat(parse("{\"error\":{\"message\":\"boom\",\"type\":\"X\",\"code\":500}}").error()).isEqualTo("boom");
        assertThat(parse("{\"object\":\"error\",\"message\":\"old vllm\",\"code\":400}").error()).isEqualTo("old vllm");
        assertThat(parse("{\"error\":\"plain\"}").error()).isEqualTo("plain");
    }

    @Test
    void nonJsonOrNonObjectIsMalformed() {
        assertThatThrownBy(() -> parse("{\"choices\": [")).isInstanceOf(StreamChunk.MalformedChunkException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> parse("[1,2]")).isInstanceOf(StreamChunk.MalformedChunkException.class);
        assertThatThrownBy(() -> parse("")).isInstanceOf(StreamChunk.MalformedChunkException.class);
    }
}
