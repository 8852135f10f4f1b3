package dev.jnim.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.loadgen.FakeOpenAiServer.Mode;
import dev.jnim.loadgen.FakeOpenAiServer.Script;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Timing, counting and request shape of whole load runs against {@link FakeOpenAiServer}. */
class LoadGeneratorTest {

    @Test
    void measuresTtftAndInterTokenLatencyOfInjectedDelays() throws Exception {
        try (var server = new FakeOpenAiServer(i -> Script.ok(6, 150, 40))) {
            var b = new SettingsBuilder(server.url());
            b.requests = 3;
            b.maxTokens = 6;
            LevelReport l = b.run().levels().getFirst();

            assertThat(l.succeeded()).isEqualTo(3);
            assertThat(l.failed()).isZero();
            assertThat(l.outputTokens()).isEqualTo(18);
            assertThat(l.requestsWithUsage()).isEqualTo(3);
            // TTFT counts to the first content chunk, not the role chunk sent at once.
            assertThat(l.ttft().count()).isEqualTo(3);
            assertThat(l.ttft().p50()).isBetween(150.0, 260.0);
            assertThat(l.itl().count()).isEqualTo(15); // 5 gaps per request
            assertThat(l.itl().p50()).isBetween(38.0, 80.0);
            assertThat(l.e2e().p50()).isBetween(150.0 + 5 * 40, 700.0);
            assertThat(l.requestsPerSecond()).isCloseTo(3 / l.durationSeconds(), within(1e-9));
            assertThat(l.outputTokensPerSecond()).isCloseTo(18 / l.durationSeconds(), within(1e-9));
        }
    }

    @Test
    void chunksCarryingSeveralTokensSplitTheirGap() throws Exception {
        // 8 tokens in 4 chunks 60 ms apart: 30 ms per token.
        try (var server = new FakeOpenAiServer(i -> new Script(Mode.OK, 8, 2, 20, 60, true))) {
            var b = new SettingsBuilder(server.url());
            b.requests = 2;
            LevelReport l = b.run().levels().getFirst();

            assertThat(l.outputTokens()).isEqualTo(16);
            assertThat(l.itl().count()).isEqualTo(2 * 6); // the first chunk's 2 tokens are in the TTFT
            assertThat(l.itl().p50()).isBetween(28.0, 45.0);
        }
    }

    @Test
    void withoutUsageCountsContentChunks() throws Exception {
        try (var server = new FakeOpenAiServer(i -> new Script(Mode.OK, 5, 2, 0, 5, false))) {
            var b = new SettingsBuilder(server.url());
            b.requests = 2;
            LevelReport l = b.run().levels().getFirst();

            assertThat(l.succeeded()).isEqualTo(2);
            assertThat(l.requestsWithUsage()).isZero();
            assertThat(l.outputTokens()).isEqualTo(2 * 3); // chunks of 2, 2, 1 tokens
            assertThat(l.meanPromptTokens()).isNaN();
        }
    }

    @Test
    void closedLoopReachesEachConcurrencyLevelAndNoMore() throws Exception {
        try (var server = new FakeOpenAiServer(i -> Script.ok(3, 40, 20))) {
            var b = new SettingsBuilder(server.url());
            b.concurrency = List.of(1, 4);
            b.requests = 12;
            BenchReport r = b.run();

            assertThat(r.levels()).extracting(LevelReport::concurrency).containsExactly(1, 4);
            assertThat(r.levels()).extracting(LevelReport::succeeded).containsExactly(12, 12);
            assertThat(r.levels()).extracting(LevelReport::maxInFlight).containsExactly(1, 4);
            assertThat(server.maxInFlight()).isEqualTo(4);
            assertThat(server.received()).hasSize(24);
            // Four workers finish twelve 80 ms requests in about three rounds, not twelve.
            assertThat(r.levels().get(1).durationSeconds()).isLessThan(r.levels().get(0).durationSeconds() / 2);
        }
    }

    @Test
    void concurrencyAboveTheRequestCountStartsOneWorkerPerRequest() throws Exception {
        try (var server = new FakeOpenAiServer(i -> Script.ok(2, 150, 10))) {
            var b = new SettingsBuilder(server.url());
            b.concurrency = List.of(16);
            b.requests = 5;
            LevelReport l = b.run().levels().getFirst();

            assertThat(l.succeeded()).isEqualTo(5);
            assertThat(server.maxInFlight()).isEqualTo(5);
        }
    }

    @Test
    void sharedPrefixIsTheSameSystemPromptAndTheRestIsUnique() throws Exception {
        try (var server = new FakeOpenAiServer(i -> Script.ok(2, 0, 0))) {
            var b = new SettingsBuilder(server.url());
            b.concurrency = List.of(1, 2);
            b.requests = 4;
            b.promptTokens = 40;
            b.sharedPrefix = 30;
            BenchReport r = b.run();

            var received = server.received();
            assertThat(received).hasSize(8);
            String system = received.getFirst().body().path("messages").path(0).path("content").asText();
            assertThat(system.split(" ")).hasSize(30);
            assertThat(received).allSatisfy(q -> {
                JsonNode messages = q.body().path("messages");
                assertThat(messages).hasSize(2);
                assertThat(messages.path(0).path("role").asText()).isEqualTo("system");
                assertThat(messages.path(0).path("content").asText()).isEqualTo(system);
                assertThat(messages.path(1).path("role").asText()).isEqualTo("user");
                assertThat(messages.path(1).path("content").asText().split(" ")).hasSize(10);
            });
            assertThat(received).extracting(q -> q.body().path("messages").path(1).path("content").asText())
                    .doesNotHaveDuplicates();
            // The fake reports word counts as usage; the first request of the run is its only cache miss.
            assertThat(r.levels().get(0).meanPromptTokens()).isEqualTo(40.0);
            assertThat(r.levels().get(0).meanCachedTokens()).isEqualTo(30.0 * 3 / 4);
            assertThat(r.levels().get(1).meanCachedTokens()).isEqualTo(30.0);
        }
    }

    @Test
    void completionsEndpointSendsOnePromptAndReadsText() throws Exception {
        try (var server = new FakeOpenAiServer(i -> Script.ok(5, 0, 1))) {
            var b = new SettingsBuilder(server.url());
            b.endpoint = Endpoint.COMPLETIONS;
            b.promptTokens = 20;
            b.sharedPrefix = 12;
            b.requests = 3;
            LevelReport l = b.run().levels().getFirst();

            assertThat(l.succeeded()).isEqualTo(3);
            assertThat(l.outputTokens()).isEqualTo(15);
            assertThat(l.itl().count()).isEqualTo(12);
            var received = server.received();
            assertThat(received).allSatisfy(q -> {
                assertThat(q.path()).isEqualTo("/v1/completions");
                assertThat(q.body().has("messages")).isFalse();
                assertThat(q.body().path("prompt").asText().split(" ")).hasSize(20);
            });
            String prefix = String.join(" ", List.of(received.get(0).body().path("prompt").asText().split(" ")).subList(0, 12));
            assertThat(received).allSatisfy(q -> assertThat(q.body().path("prompt").asText()).startsWith(prefix + " "));
        }
    }

    @Test
    void requestsAreStandardStreamingRequestsWithTheBearerKey() throws Exception {
        try (var server = new FakeOpenAiServer(i -> Script.ok(2, 0, 0))) {
            var b = new SettingsBuilder(server.url());
            b.requests = 1;
            b.maxTokens = 9;
            b.apiKey = "sk-test-123";
            b.run();

            FakeOpenAiServer.Received q = server.received().getFirst();
            assertThat(q.path()).isEqualTo("/v1/chat/completions");
            assertThat(q.authorization()).isEqualTo("Bearer sk-test-123");
            JsonNode body = q.body();
            assertThat(body.path("model").asText()).isEqualTo("m");
            assertThat(body.path("stream").asBoolean()).isTrue();
            assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
            assertThat(body.path("max_tokens").asInt()).isEqualTo(9);
            assertThat(body.path("temperature").asDouble()).isZero();
            assertThat(body.path("ignore_eos").asBoolean()).isTrue();
        }
    }

    @Test
    void noIgnoreEosAndNoKeySendNeither() throws Exception {
        try (var server = new FakeOpenAiServer(i -> Script.ok(2, 0, 0))) {
            var b = new SettingsBuilder(server.url());
            b.requests = 1;
            b.ignoreEos = false;
            b.run();

            FakeOpenAiServer.Received q = server.received().getFirst();
            assertThat(q.authorization()).isNull();
            assertThat(q.body().has("ignore_eos")).isFalse();
        }
    }

    @Test
    void modelComesFromTheModelsEndpointWhenNotGiven() throws Exception {
        try (var server = new FakeOpenAiServer(i -> Script.ok(2, 0, 0))) {
            var b = new SettingsBuilder(server.url());
            b.model = null;
            b.requests = 2;
            BenchReport r = b.run();

            assertThat(r.model()).isEqualTo("fake-model");
            assertThat(server.received()).allSatisfy(q -> assertThat(q.body().path("model").asText()).isEqualTo("fake-model"));
        }
    }

    @Test
    void noModelListedIsAnErrorBeforeAnyLoad() throws Exception {
        try (var server = new FakeOpenAiServer(i -> Script.ok(2, 0, 0))) {
            server.disableModels();
            var b = new SettingsBuilder(server.url());
            b.model = null;
            assertThatThrownBy(b::run)
                    .isInstanceOf(LoadgenException.class).hasMessageContaining("404").hasMessageContaining("--model");
            assertThat(server.received()).isEmpty();
        }
    }

    @Test
    void warmupRequestsAreSentButNotCounted() throws Exception {
        try (var server = new FakeOpenAiServer(i -> i == 0 ? Script.failing(Mode.HTTP_500) : Script.ok(2, 0, 0))) {
            var b = new SettingsBuilder(server.url());
            b.warmup = 2;
            b.requests = 3;
            BenchReport r = b.run();

            assertThat(server.received()).hasSize(5);
            assertThat(r.warmupFailures()).singleElement().asString().startsWith("http_500: scripted failure");
            assertThat(r.levels().getFirst().succeeded()).isEqualTo(3);
            assertThat(r.levels().getFirst().errors()).isEmpty();
        }
    }

    @Test
    void aServerWithoutDoneButWithAFinishReasonSucceeds() throws Exception {
        try (var server = new FakeOpenAiServer(i -> new Script(Mode.NO_DONE, 3, 1, 0, 1, true))) {
            var b = new SettingsBuilder(server.url());
            b.requests = 2;
            LevelReport l = b.run().levels().getFirst();

            assertThat(l.succeeded()).isEqualTo(2);
            assertThat(l.outputTokens()).isEqualTo(6); // no usage chunk: counted chunks
            assertThat(l.errors()).isEmpty();
        }
    }

    @Test
    void everyKindOfFailureIsCountedAndTheRunCompletes() throws Exception {
        Mode[] cycle = {Mode.OK, Mode.HTTP_500, Mode.MALFORMED, Mode.CLOSE_MID_STREAM, Mode.ABORT, Mode.ERROR_EVENT,
            Mode.JSON_ERROR_200, Mode.STALL, Mode.STALL_HEADERS};
        try (var server = new FakeOpenAiServer(i -> i < 2 * cycle.length ? Script.failing(cycle[i % cycle.length])
                : Script.ok(2, 0, 0))) {
            var b = new SettingsBuilder(server.url());
            b.concurrency = List.of(4);
            b.requests = 2 * cycle.length;
            b.timeout = Duration.ofMillis(700);
            long t0 = System.nanoTime();
            LevelReport l = b.run().levels().getFirst();

            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5.0);
            assertThat(l.succeeded()).isEqualTo(2);
            assertThat(l.failed()).isEqualTo(16);
            assertThat(l.errors()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "http_500", 2, "malformed", 2, "broken_stream", 4, "error_body", 4, "timeout", 4));
            assertThat(l.errorExamples().get("http_500")).isEqualTo("scripted failure");
            assertThat(l.errorExamples().get("malformed")).contains("not JSON");
            assertThat(l.ttft().count()).isEqualTo(2); // failures never enter the latency figures
        }
    }

    @Test
    void aRefusedConnectionIsAConnectionError() throws Exception {
        URI url;
        try (var server = new FakeOpenAiServer(i -> Script.ok(1, 0, 0))) {
            url = server.url();
        }
        var b = new SettingsBuilder(url);
        b.requests = 2;
        LevelReport l = b.run().levels().getFirst();

        assertThat(l.errors()).containsExactlyEntriesOf(Map.of("connection", 2));
    }

    @Test
    void maxDurationBoundsTheWholeRun() throws Exception {
        try (var server = new FakeOpenAiServer(i -> Script.ok(2, 200, 100))) {
            var b = new SettingsBuilder(server.url());
            b.concurrency = List.of(2, 4, 8);
            b.requests = 100;
            b.maxDuration = Duration.ofMillis(1000);
            long t0 = System.nanoTime();
            BenchReport r = b.run();

            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(2.5);
            assertThat(r.truncated()).isTrue();
            assertThat(r.skippedLevels()).containsExactly(4, 8);
            LevelReport l = r.levels().getFirst();
            assertThat(l.notStarted()).isPositive();
            assertThat(l.succeeded() + l.failed() + l.notStarted()).isEqualTo(100);
            assertThat(server.received()).hasSize(l.succeeded() + l.failed());
        }
    }
}
