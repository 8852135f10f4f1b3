package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.engine.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disconnects cancel, slow readers stall nobody, and /v1/metrics counts what was served. */
class StreamingAndMetricsTest {

    @TempDir
    static Path dir;
    static JnimServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        server = JnimServer.start(TestModelDir.options(TestModelDir.create(dir), Map.of()));
        server.loadModel();
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    static String longStream(int maxTokens, String extra) {
        return "{\"model\":\"test-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Go on\"}],\"stream\":true,"
                + "\"max_tokens\":" + maxTokens + ",\"ignore_eos\":true" + extra + "}";
    }

    static void awaitNoBlocks(Engine e) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((e.stats().kvUsedBlocks() != 0 || !e.idle()) && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
    }

    @Test
    void disconnectMidStreamCancelsAndFreesBlocks() throws Exception {
        Engine engine = server.model().engine();
        awaitNoBlocks(engine);
        PromText before = metrics();
        long generatedBefore = engine.stats().generatedTokens();
        int maxTokens = 480;
        try (Http.StreamingCall call = http.stream(RawHttpTest.CHAT, longStream(maxTokens, ""))) {
            for (int i = 0; i < 3; i++) {
                assertThat(call.nextData()).isNotNull();
            }
            assertThat(engine.stats().kvUsedBlocks()).as("the running request holds blocks").isPositive();
        }
        awaitNoBlocks(engine);
        assertThat(engine.stats().kvUsedBlocks()).as("blocks back after the client left").isZero();
        assertThat(engine.stats().running()).isZero();
        assertThat(engine.stats().generatedTokens() - generatedBefore).as("generation was cut short")
                .isLessThan(maxTokens);
        PromText after = metrics();
        assertThat(delta(before, after, "request_success_total", "finished_reason", "abort")).isEqualTo(1);
    }

    @Test
    void aSlowReaderStallsNobody() throws Exception {
        Engine engine = server.model().engine();
        try (Http.StreamingCall slow = http.stream(RawHttpTest.CHAT, longStream(400,
                ",\"logprobs\":true,\"top_logprobs\":20"))) {
            // This client reads nothing; others are served while it sits there.
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                Http.Response r = http.post(RawHttpTest.CHAT, RawHttpTest.chat("\"ignore_eos\":true"));
                assertThat(r.status()).isEqualTo(200);
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(10);
            }
            assertThat(slow.socket().isClosed()).isFalse();
        }
        awaitNoBlocks(engine);
        assertThat(engine.stats().kvUsedBlocks()).isZero();
    }

    @Test
    void metricsCountKnownRequests() {
        PromText before = metrics();
        Http.Response chat = http.post(RawHttpTest.CHAT, RawHttpTest.chat("\"max_tokens\":5,\"ignore_eos\":true"));
        Http.Response text = http.post("/v1/completions", "{\"model\":\"alias-model\",\"prompt\":[1,2,3,4],"
                + "\"max_tokens\":3,\"ignore_eos\":true}");
        Http.Response bad = http.post(RawHttpTest.CHAT, RawHttpTest.chat("\"top_p\":0"));
        assertThat(List.of(chat.status(), text.status(), bad.status())).containsExactly(200, 200, 400);
        int chatPrompt = chat.json().get("usage").get("prompt_tokens").asInt();
        PromText after = metrics();

        assertThat(delta(before, after, "request_success_total", "finished_reason", "length")).isEqualTo(2);
        assertThat(delta(before, after, "request_failure_total")).isEqualTo(1);
        assertThat(delta(before, after, "generation_tokens_total")).isEqualTo(8);
        assertThat(delta(before, after, "prompt_tokens_total")).isEqualTo(chatPrompt + 4);
        assertThat(delta(before, after, "request_prompt_tokens_sum")).isEqualTo(chatPrompt + 4);
        assertThat(delta(before, after, "request_generation_tokens_count")).isEqualTo(2);
        assertThat(delta(before, after, "e2e_request_latency_seconds_count")).isEqualTo(2);
        assertThat(delta(before, after, "time_to_first_token_seconds_count")).isEqualTo(2);
        assertThat(delta(before, after, "time_per_output_token_seconds_count")).isEqualTo(4 + 2);

        assertThat(after.value("num_requests_running", "model_name", "test-model")).isZero();
        assertThat(after.value("num_request_max", "model_name", "test-model"))
                .isEqualTo(server.model().limits().maxNumSeqs());
        assertThat(after.value("gpu_cache_usage_perc", "model_name", "test-model")).isBetween(0.0, 1.0);
        assertThat(after.value("jnim_kv_cache_total_blocks", "model_name", "test-model"))
                .isEqualTo(server.model().engine().stats().kvTotalBlocks());
        assertThat(after.value("jnim_preemptions_total", "model_name", "test-model")).isNotNaN();
        assertThat(after.value("jnim_prefix_cache_hit_rate", "model_name", "test-model")).isNotNaN();
        assertThat(after.value("jnim_requests_waiting", "model_name", "test-model")).isZero();

        assertThat(after.buckets("time_to_first_token_seconds")).containsExactlyElementsOf(withInf(
                ServerMetrics.TTFT_BUCKETS));
        assertThat(after.buckets("time_per_output_token_seconds")).containsExactlyElementsOf(withInf(
                ServerMetrics.TPOT_BUCKETS));
        assertThat(after.buckets("e2e_request_latency_seconds")).containsExactlyElementsOf(withInf(
                ServerMetrics.E2E_BUCKETS));
        assertThat(after.buckets("request_prompt_tokens")).containsExactly(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0,
                200.0, 500.0, Double.POSITIVE_INFINITY);
    }

    @Test
    void metricsAreLabelledWithTheFirstServedName() {
        for (PromText.Sample s : metrics().samples()) {
            assertThat(s.labels()).as(s.name()).containsEntry("model_name", "test-model");
        }
    }

    private static List<Double> withInf(double[] bounds) {
        List<Double> l = new ArrayList<>(Arrays.stream(bounds).boxed().toList());
        l.add(Double.POSITIVE_INFINITY);
        return l;
    }

    static PromText metrics() {
        Http.Response r = http.get("/v1/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        return new PromText(r.body());
    }

    static double delta(PromText before, PromText after, String name, String... labels) {
        String[] all = new String[labels.length + 2];
        all[0] = "model_name";
        all[1] = "test-model";
        System.arraycopy(labels, 0, all, 2, labels.length);
        double b = before.value(name, all);
        double a = after.value(name, all);
        return a - (Double.isNaN(b) ? 0 : b);
    }

    @Test
    void usageReportsCachedPromptTokensField() {
        JsonNode u = http.post(RawHttpTest.CHAT, RawHttpTest.chat("")).json().get("usage");
        assertThat(u.get("prompt_tokens_details").get("cached_tokens").isInt()).isTrue();
    }
}
