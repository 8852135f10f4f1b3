package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw HTTP against the real server: malformed bodies, types, limits, routing, helpers, SSE details. */
class RawHttpTest {

    @TempDir
    static Path dir;
    static JnimServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        server = JnimServer.start(TestModelDir.options(TestModelDir.create(dir),
                Map.of("NIM_MAX_REQUEST_BODY_BYTES", "65536")));
        server.loadModel();
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    static final String CHAT = "/v1/chat/completions";

    static String chat(String extra) {
        return "{\"model\":\"test-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":3"
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    /** Asserts the one error shape and returns the error object. */
    static JsonNode error(Http.Response r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.raw().headers().firstValue("content-type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        JsonNode e = r.json().get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.get("message").asText()).isNotBlank();
        assertThat(e.has("type") && e.has("param") && e.has("code")).isTrue();
        assertThat(e.get("code").asInt()).isEqualTo(status);
        return e;
    }

    @Test
    void malformedJsonIs400() {
        JsonNode e = error(http.post(CHAT, "{\"model\": \"test-model\", \"messages\": [}"), 400);
        assertThat(e.get("message").asText()).contains("not valid JSON");
        assertThat(e.get("type").asText()).isEqualTo("BadRequestError");
        error(http.post(CHAT, ""), 400);
        error(http.post(CHAT, "[1,2]"), 400);
    }

    @Test
    void wrongTypesAre400NamingTheField() {
        assertThat(error(http.post(CHAT, chat("\"temperature\":\"hot\"")), 400).get("param").asText())
                .isEqualTo("temperature");
        assertThat(error(http.post(CHAT, chat("\"stream\":\"yes\"")), 400).get("param").asText()).isEqualTo("stream");
        assertThat(error(http.post(CHAT, chat("\"n\":1.5")), 400).get("message").asText()).contains("'n'");
        assertThat(error(http.post(CHAT, chat("\"stop\":[1,2]")), 400).get("param").asText()).isEqualTo("stop");
        JsonNode e = error(http.post(CHAT, "{\"model\":\"test-model\",\"messages\":\"Hi\"}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("messages");
        e = error(http.post(CHAT, "{\"model\":\"test-model\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("messages[0].role");
        e = error(http.post(CHAT, "{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("model");
    }

    @Test
    void hugeNumbersAre400WithTheRange() {
        JsonNode e = error(http.post(CHAT, chat("\"max_completion_tokens\":99999999999999999999999999")), 400);
        assertThat(e.get("param").asText()).isEqualTo("max_completion_tokens");
        assertThat(e.get("message").asText()).contains("[1, 2147483647]");
        error(http.post(CHAT, chat("\"seed\":1e30")), 400);
        error(http.post(CHAT, chat("\"temperature\":1e400")), 400);
        e = error(http.post(CHAT, chat("\"top_p\":1.5")), 400);
        assertThat(e.get("message").asText()).contains("(0, 1]");
        e = error(http.post(CHAT, chat("\"logit_bias\":{\"999999999\":1}")), 400);
        assertThat(e.get("param").asText()).isEqualTo("logit_bias");
    }

    @Test
    void emptyMessagesAndMissingModelAre400() {
        JsonNode e = error(http.post(CHAT, "{\"model\":\"test-model\",\"messages\":[]}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("messages");
        e = error(http.post(CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("model");
        e = error(http.post("/v1/completions", "{\"model\":\"test-model\",\"prompt\":\"\"}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("prompt");
    }

    @Test
    void unknownFieldsAreIgnored() {
        Http.Response r = http.post(CHAT, chat("\"frobnicate\":{\"x\":[1,2]},\"metadata\":null"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("choices").get(0).path("message").path("role").asText()).isEqualTo("assistant");
    }

    @Test
    void bodyLimitContentTypeRoutingAndMethods() {
        String big = chat("\"user\":\"" + "x".repeat(70_000) + "\"");
        assertThat(error(http.post(CHAT, big), 413).get("message").asText()).contains("65536");
        error(http.post(CHAT, chat(""), "text/plain"), 415);
        assertThat(http.post(CHAT, chat(""), null).status()).isEqualTo(200);
        error(http.get("/v1/nope"), 404);
        Http.Response r = http.get(CHAT);
        error(r, 405);
        assertThat(r.raw().headers().firstValue("allow")).hasValue("POST");
        error(http.method("DELETE", "/v1/models"), 405);
    }

    @Test
    void healthVersionAndModels() {
        assertThat(http.get("/v1/health/live").status()).isEqualTo(200);
        Http.Response ready = http.get("/v1/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("message").asText()).isEqualTo("Service is ready.");
        JsonNode v = http.get("/v1/version").json();
        assertThat(v.get("release").asText()).isNotBlank();
        assertThat(v.get("api").asText()).isNotBlank();
        JsonNode m = http.get("/v1/models").json();
        assertThat(m.get("object").asText()).isEqualTo("list");
        JsonNode first = m.get("data").get(0);
        assertThat(first.get("max_model_len").asInt()).isEqualTo(512);
        assertThat(first.get("permission").get(0).get("object").asText()).isEqualTo("model_permission");
        assertThat(first.get("parent").isNull()).isTrue();
    }

    @Test
    void tokenizeAndDetokenizeRoundTrip() {
        JsonNode t = http.post("/tokenize", "{\"model\":\"test-model\",\"prompt\":\"Hello world\"}").json();
        int[] ids = server.model().tokenizer().tokenizer().encode("Hello world", true);
        assertThat(t.get("count").asInt()).isEqualTo(ids.length);
        assertThat(t.get("max_model_len").asInt()).isEqualTo(512);
        assertThat(t.get("tokens").get(0).asInt()).isEqualTo(ids[0]);
        JsonNode d = http.post("/detokenize", "{\"tokens\":" + t.get("tokens") + "}").json();
        assertThat(d.get("prompt").asText()).endsWith("Hello world");
        JsonNode chat = http.post("/tokenize", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").json();
        assertThat(chat.get("count").asInt()).isGreaterThan(3);
        error(http.post("/detokenize", "{\"tokens\":[-1]}"), 400);
        error(http.post("/tokenize", "{\"model\":\"other\",\"prompt\":\"x\"}"), 404);
    }

    @Test
    void nvextTopKOneIsGreedy() {
        String greedy = text(http.post(CHAT, chat("\"temperature\":0,\"max_tokens\":8,\"ignore_eos\":true")));
        String nv = text(http.post(CHAT, chat("\"temperature\":1.5,\"max_tokens\":8,\"nvext\":{\"top_k\":1,"
                + "\"ignore_eos\":true}")));
        assertThat(nv).isEqualTo(greedy);
        error(http.post(CHAT, chat("\"nvext\":{\"guided_json\":{}}")), 400);
    }

    private static String text(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("choices").get(0).get("message").get("content").asText();
    }

    @Test
    void logitBiasStopTokenIdsAndEos() {
        String forced = "\"prompt\":[9906,1917],\"max_tokens\":4,\"temperature\":0,\"ignore_eos\":true,"
                + "\"logit_bias\":{\"1000\":100}";
        JsonNode r = http.post("/v1/completions", "{\"model\":\"test-model\"," + forced + "}").json();
        String one = server.model().tokenizer().tokenizer().decode(new int[] {1000}, true);
        assertThat(r.get("choices").get(0).get("text").asText()).isEqualTo(one.repeat(4));
        assertThat(r.get("usage").get("prompt_tokens").asInt()).isEqualTo(2);

        r = http.post("/v1/completions", "{\"model\":\"test-model\"," + forced + ",\"stop_token_ids\":[1000]}").json();
        assertThat(r.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
        assertThat(r.get("usage").get("completion_tokens").asInt()).isEqualTo(1);
        assertThat(r.get("choices").get(0).get("text").asText()).isEmpty();

        r = http.post("/v1/completions", "{\"model\":\"test-model\",\"prompt\":\"Hi\",\"max_tokens\":5,"
                + "\"logit_bias\":{\"128009\":100}}").json();
        assertThat(r.get("choices").get(0).get("finish_reason").asText()).as("EOS ends generation").isEqualTo("stop");
        assertThat(r.get("usage").get("completion_tokens").asInt()).isEqualTo(1);
    }

    @Test
    void multiplePromptsAndLegacyLogprobs() {
        JsonNode r = http.post("/v1/completions", "{\"model\":\"test-model\",\"prompt\":[\"One\",\"Two\"],\"n\":2,"
                + "\"max_tokens\":3,\"ignore_eos\":true,\"logprobs\":2}").json();
        assertThat(r.get("choices")).hasSize(4);
        JsonNode lp = r.get("choices").get(3).get("logprobs");
        assertThat(lp.get("tokens")).hasSize(3);
        assertThat(lp.get("token_logprobs")).hasSize(3);
        assertThat(lp.get("top_logprobs").get(0).size()).isBetween(1, 2);
        assertThat(lp.get("text_offset").get(0).asInt()).isZero();
        assertThat(r.get("usage").get("completion_tokens").asInt()).isEqualTo(12);
    }

    @Test
    void streamingWithSeveralChoices() throws Exception {
        Http.Response r = http.post(CHAT, chat("\"stream\":true,\"n\":2,\"max_tokens\":4,\"ignore_eos\":true,"
                + "\"stream_options\":{\"include_usage\":true}"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> events = r.events();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        Set<Integer> roles = new HashSet<>();
        Set<Integer> finished = new HashSet<>();
        JsonNode usage = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode c = Http.JSON.readTree(e);
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            for (JsonNode ch : c.get("choices")) {
                int i = ch.get("index").asInt();
                if (ch.get("delta").has("role")) {
                    assertThat(finished).doesNotContain(i);
                    roles.add(i);
                }
                if (!ch.get("finish_reason").isNull()) {
                    assertThat(roles).contains(i);
                    finished.add(i);
                }
            }
            if (c.hasNonNull("usage")) {
                usage = c.get("usage");
            }
        }
        assertThat(roles).containsExactlyInAnyOrder(0, 1);
        assertThat(finished).containsExactlyInAnyOrder(0, 1);
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(8);
        assertThat(usage.get("prompt_tokens_details").get("cached_tokens").asInt()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void streamOptionsWithoutStreamIs400() {
        error(http.post(CHAT, chat("\"stream_options\":{\"include_usage\":true}")), 400);
    }

    @Test
    void templateErrorsAre400() {
        // Llama 3's template computes bos_token + content: a number there fails as in Python Jinja2 (TypeError).
        Http.Response r = http.post(CHAT, chat("\"chat_template_kwargs\":{\"bos_token\":5}"));
        JsonNode e = error(r, 400);
        assertThat(e.get("param").asText()).isEqualTo("messages");
    }

    @Test
    void streamedLogprobsCoverEveryToken() throws Exception {
        Http.Response r = http.post(CHAT, chat("\"stream\":true,\"max_tokens\":6,\"ignore_eos\":true,"
                + "\"logprobs\":true,\"top_logprobs\":2,\"temperature\":0"));
        int entries = 0;
        for (String e : r.events()) {
            if (e.equals("[DONE]")) {
                continue;
            }
            JsonNode lp = Http.JSON.readTree(e).get("choices").get(0).get("logprobs");
            if (lp != null && !lp.isNull()) {
                for (JsonNode t : lp.get("content")) {
                    assertThat(t.get("top_logprobs")).hasSize(2);
                    assertThat(t.get("bytes").isArray()).isTrue();
                    entries++;
                }
            }
        }
        assertThat(entries).isEqualTo(6);
    }

    @Test
    void streamedTextCompletionEchoesThePrompt() throws Exception {
        Http.Response r = http.post("/v1/completions", "{\"model\":\"test-model\",\"prompt\":\"Echo me\","
                + "\"max_tokens\":3,\"ignore_eos\":true,\"echo\":true,\"stream\":true,\"temperature\":0}");
        StringBuilder text = new StringBuilder();
        for (String e : r.events()) {
            if (!e.equals("[DONE]")) {
                JsonNode c = Http.JSON.readTree(e);
                assertThat(c.get("object").asText()).isEqualTo("text_completion");
                text.append(c.get("choices").get(0).get("text").asText());
            }
        }
        JsonNode full = http.post("/v1/completions", "{\"model\":\"test-model\",\"prompt\":\"Echo me\","
                + "\"max_tokens\":3,\"ignore_eos\":true,\"echo\":true,\"temperature\":0}").json();
        assertThat(text.toString()).startsWith("Echo me").isEqualTo(full.get("choices").get(0).get("text").asText());
    }

    @Test
    void textPartsAreJoinedLikeAString() {
        String parts = "{\"model\":\"test-model\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"Hello\"},{\"type\":\"text\",\"text\":\"there\"}]}]}";
        String plain = "{\"model\":\"test-model\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hello\\nthere\"}]}";
        Http.Response a = http.post(CHAT, parts);
        Http.Response b = http.post(CHAT, plain);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("usage").get("prompt_tokens").asInt())
                .isEqualTo(b.json().get("usage").get("prompt_tokens").asInt());
        JsonNode e = error(http.post(CHAT, parts.replace("\"type\":\"text\",\"text\":\"there\"",
                "\"type\":\"input_audio\"")), 400);
        assertThat(e.get("param").asText()).isEqualTo("messages[0].content[1].type");
    }
}
