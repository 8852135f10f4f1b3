package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server on a loopback port, driven by the official OpenAI Java client. */
class OpenAiClientTest {

    @TempDir
    static Path dir;
    static JnimServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        server = JnimServer.start(TestModelDir.options(TestModelDir.create(dir), Map.of()));
        server.loadModel();
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey("unused")
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.shutdown();
        }
    }

    private static ChatCompletionCreateParams.Builder chat(String user, long maxTokens) {
        return ChatCompletionCreateParams.builder().model("test-model").addUserMessage(user)
                .maxCompletionTokens(maxTokens).putAdditionalBodyProperty("ignore_eos", JsonValue.from(true));
    }

    @Test
    void chatCompletionCountsTokensAndStopsAtLength() {
        ChatCompletion c = client.chat().completions().create(chat("Hello there", 7).temperature(0.0).build());
        assertThat(c.model()).isEqualTo("test-model");
        assertThat(c.id()).startsWith("chatcmpl-");
        assertThat(c.choices()).hasSize(1);
        ChatCompletion.Choice choice = c.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(choice.message().content()).isPresent();
        var usage = c.usage().orElseThrow();
        assertThat(usage.completionTokens()).isEqualTo(7);
        int expectedPrompt = server.model().tokenizer().tokenizer().encode(server.model().chatTemplate()
                .apply(List.of(Map.of("role", "user", "content", "Hello there")), true, null, Map.of()), false).length;
        assertThat(usage.promptTokens()).isEqualTo(expectedPrompt);
        assertThat(usage.totalTokens()).isEqualTo(expectedPrompt + 7);
    }

    @Test
    void aliasIsAcceptedAndFirstNameReported() {
        ChatCompletion c = client.chat().completions().create(chat("Hi", 2).model("alias-model").build());
        assertThat(c.model()).isEqualTo("test-model");
    }

    @Test
    void greedyStreamingEqualsNonStreaming() {
        String full = client.chat().completions().create(chat("Tell me a story", 12).temperature(0.0).build())
                .choices().getFirst().message().content().orElse("");
        ChatCompletionCreateParams p = chat("Tell me a story", 12).temperature(0.0)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            s.stream().forEach(chunks::add);
        }
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isPresent();
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (ChatCompletionChunk ch : chunks) {
            for (var choice : ch.choices()) {
                choice.delta().content().ifPresent(text::append);
                if (choice.finishReason().isPresent()) {
                    finish = choice.finishReason().get().asString();
                }
            }
        }
        assertThat(text.toString()).isEqualTo(full);
        assertThat(finish).isEqualTo("length");
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(12);
    }

    @Test
    void textCompletionWithEcho() {
        Completion c = client.completions().create(CompletionCreateParams.builder().model("test-model")
                .prompt("Once upon a time").maxTokens(5).temperature(0.0).echo(true)
                .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true)).build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().text()).startsWith("Once upon a time");
        assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("length");
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(5);
    }

    @Test
    void nChoicesAreSeparateSequences() {
        ChatCompletion c = client.chat().completions().create(chat("Pick a word", 6).n(3).temperature(1.0).seed(5L)
                .build());
        assertThat(c.choices()).hasSize(3);
        assertThat(c.choices()).extracting(ChatCompletion.Choice::index).containsExactly(0L, 1L, 2L);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(18);
        var texts = c.choices().stream().map(ch -> ch.message().content().orElse("")).distinct().count();
        assertThat(texts).as("seeded choices differ from each other").isGreaterThan(1);
    }

    @Test
    void seedReproducesSampling() {
        ChatCompletionCreateParams p = chat("Random words please", 10).temperature(1.0).seed(1234L).build();
        String a = client.chat().completions().create(p).choices().getFirst().message().content().orElse("");
        String b = client.chat().completions().create(p).choices().getFirst().message().content().orElse("");
        String c = client.chat().completions().create(chat("Random words please", 10).temperature(1.0).seed(99L)
                .build()).choices().getFirst().message().content().orElse("");
        assertThat(a).isEqualTo(b);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void stopStringEndsTheChoiceWithoutBeingReturned() {
        String full = client.chat().completions().create(chat("Say something", 30).temperature(0.0).build())
                .choices().getFirst().message().content().orElse("");
        assertThat(full.length()).isGreaterThan(10);
        String stop = full.substring(full.length() / 2, full.length() / 2 + 3);
        ChatCompletion c = client.chat().completions().create(chat("Say something", 30).temperature(0.0).stop(stop)
                .build());
        ChatCompletion.Choice choice = c.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(choice.message().content().orElse("")).isEqualTo(full.substring(0, full.indexOf(stop)));
    }

    @Test
    void logprobsInOpenAiShape() {
        ChatCompletion c = client.chat().completions().create(chat("Hello", 4).temperature(0.0).logprobs(true)
                .topLogprobs(3).build());
        var content = c.choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
        assertThat(content).hasSize(4);
        StringBuilder joined = new StringBuilder();
        for (var t : content) {
            assertThat(t.logprob()).isLessThanOrEqualTo(0.0);
            assertThat(t.topLogprobs()).hasSize(3);
            // greedy: the chosen token is the most likely one
            assertThat(t.topLogprobs().getFirst().logprob()).isEqualTo(t.logprob());
            assertThat(t.topLogprobs().get(0).logprob()).isGreaterThanOrEqualTo(t.topLogprobs().get(1).logprob());
            joined.append(t.token());
        }
        assertThat(joined.toString()).isEqualTo(c.choices().getFirst().message().content().orElse(""));
    }

    @Test
    void modelsListsEveryServedName() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).containsExactly("test-model", "alias-model");
        assertThat(models.getFirst().ownedBy()).isEqualTo("system");
    }

    @Test
    void unknownModelIs404() {
        assertThatThrownBy(() -> client.chat().completions().create(chat("Hi", 2).model("gpt-4o").build()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("gpt-4o");
    }

    @Test
    void invalidFieldIs400NamingFieldAndRange() {
        assertThatThrownBy(() -> client.chat().completions().create(chat("Hi", 2).temperature(-1.0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).contains("temperature");
                    assertThat(e.getMessage()).contains("temperature").contains(">= 0");
                });
        assertThatThrownBy(() -> client.chat().completions().create(chat("Hi", 2).topLogprobs(50L).logprobs(true)
                .build())).isInstanceOf(BadRequestException.class).hasMessageContaining("[0, 20]");
    }

    @Test
    void promptPlusMaxTokensOverModelLengthIs400() {
        assertThatThrownBy(() -> client.chat().completions().create(chat("Hi", 100_000).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("maximum context length is 512");
    }

    @Test
    void imagesToATextModelAndToolsAreRefused() {
        var image = ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url("data:image/png;base64,AAAA").build())
                .build());
        var params = ChatCompletionCreateParams.builder().model("test-model").maxCompletionTokens(2)
                .addUserMessageOfArrayOfContentParts(List.of(image)).build();
        assertThatThrownBy(() -> client.chat().completions().create(params)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("does not accept images");
        var tools = chat("Hi", 2).putAdditionalBodyProperty("tools", JsonValue.from(List.of(Map.of("type", "function",
                "function", Map.of("name", "f"))))).build();
        assertThatThrownBy(() -> client.chat().completions().create(tools)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("not supported yet");
        var rf = chat("Hi", 2).putAdditionalBodyProperty("response_format", JsonValue.from(Map.of("type",
                "json_object"))).build();
        assertThatThrownBy(() -> client.chat().completions().create(rf)).isInstanceOfSatisfying(
                OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("response_format").contains("not supported yet");
                });
    }
}
