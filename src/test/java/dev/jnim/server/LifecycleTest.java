package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.engine.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server through its life: live but not ready while the model loads, ready after warm-up, 429
 * when the queue is full, then a graceful shutdown that lets the in-flight stream finish.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LifecycleTest {

    @TempDir
    static Path dir;
    static JnimServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        server = JnimServer.start(TestModelDir.options(TestModelDir.create(dir), Map.of("NIM_MAX_NUM_SEQS", "1",
                "NIM_MAX_PENDING_REQUESTS", "1", "NIM_SHUTDOWN_GRACE_PERIOD_S", "60")));
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    @Test
    @Order(1)
    void liveButNotReadyBeforeTheModelIsLoaded() throws Exception {
        assertThat(server.state()).isEqualTo(JnimServer.State.STARTING);
        assertThat(http.get("/v1/health/live").status()).isEqualTo(200);
        RawHttpTest.error(http.get("/v1/health/ready"), 503);
        JsonNode e = RawHttpTest.error(http.post(RawHttpTest.CHAT, RawHttpTest.chat("")), 503);
        assertThat(e.get("message").asText()).contains("loading");
        assertThat(http.get("/v1/metrics").status()).isEqualTo(200);

        server.loadModel();
        assertThat(http.get("/v1/health/ready").status()).isEqualTo(200);
        assertThat(http.post(RawHttpTest.CHAT, RawHttpTest.chat("")).status()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void aFullQueueAnswers429WithRetryAfter() throws Exception {
        Engine engine = server.model().engine();
        try (Http.StreamingCall running = http.stream(RawHttpTest.CHAT, StreamingAndMetricsTest.longStream(400, ""))) {
            assertThat(running.nextData()).isNotNull(); // admitted: it holds the only running slot
            CompletableFuture<Http.Response> queued = CompletableFuture.supplyAsync(
                    () -> http.post(RawHttpTest.CHAT, RawHttpTest.chat("")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (engine.stats().waiting() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertThat(engine.stats().waiting()).isEqualTo(1);
            Http.Response refused = http.post(RawHttpTest.CHAT, RawHttpTest.chat(""));
            RawHttpTest.error(refused, 429);
            assertThat(refused.raw().headers().firstValue("retry-after")).isPresent();
            running.close(); // the stream's client leaves: the queued request runs
            assertThat(queued.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }

    @Test
    @Order(3)
    void shutdownDrainsInFlightRequestsAndRefusesNewOnes() throws Exception {
        List<String> events = new ArrayList<>();
        try (Http.StreamingCall inFlight = http.stream(RawHttpTest.CHAT, StreamingAndMetricsTest.longStream(60, ""))) {
            events.add(inFlight.nextData());
            Thread stopper = Thread.ofPlatform().start(server::shutdown);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.state() == JnimServer.State.READY && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(server.state()).isEqualTo(JnimServer.State.DRAINING);
            RawHttpTest.error(http.get("/v1/health/ready"), 503);
            JsonNode e = RawHttpTest.error(http.post(RawHttpTest.CHAT, RawHttpTest.chat("")), 503);
            assertThat(e.get("message").asText()).contains("shutting down");
            String d;
            while ((d = inFlight.nextData()) != null && !d.equals("[DONE]")) {
                events.add(d);
            }
            assertThat(d).isEqualTo("[DONE]");
            stopper.join(30_000);
            assertThat(stopper.isAlive()).isFalse();
        }
        String last = events.getLast();
        assertThat(Http.JSON.readTree(last).get("choices").get(0).get("finish_reason").asText())
                .as("the in-flight request ran to its end").isEqualTo("length");
        assertThat(server.state()).isEqualTo(JnimServer.State.STOPPED);
    }
}
