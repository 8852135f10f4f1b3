package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import dev.jnim.config.LogLevel;
import dev.jnim.telemetry.LogSetup;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** One access-log line per request with its real status, and the request id echoed in the response. */
class AccessLogTest {

    @TempDir
    static Path dir;
    static JnimServer server;
    static Http http;
    static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        LogSetup.configure(LogLevel.DEFAULT, false, LOG);
        server = JnimServer.start(TestModelDir.options(TestModelDir.create(dir), Map.of()));
        server.loadModel();
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.shutdown();
        }
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        new ContextInitializer(ctx).autoConfig();
    }

    private static List<String> accessLines(String requestId) throws InterruptedException {
        for (int i = 0; i < 100; i++) { // the line is written right after the response
            List<String> l = LOG.toString(StandardCharsets.UTF_8).lines()
                    .filter(s -> s.contains("RequestObserver.java") && s.endsWith("request_id=" + requestId)).toList();
            if (!l.isEmpty()) {
                return l;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no access-log line for " + requestId + " in\n" + LOG.toString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(String method, String path, String body, String requestId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (requestId != null) {
            b.header("X-Request-Id", requestId);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void statusDurationAndTheClientsRequestId() throws Exception {
        HttpResponse<String> r = send("GET", "/v1/health/live", null, "live-1");
        assertThat(r.headers().firstValue("X-Request-Id")).hasValue("live-1");
        assertThat(accessLines("live-1")).singleElement().asString().matches(
                "INFO .*RequestObserver\\.java:\\d+\\] 127\\.0\\.0\\.1:\\d+ \"GET /v1/health/live HTTP/1\\.1\" 200 "
                        + "\\d+\\.\\d ms request_id=live-1");
    }

    @Test
    void errorsThrownByHandlersAreLoggedWithTheStatusTheClientGot() throws Exception {
        HttpResponse<String> r = send("POST", "/tokenize", "{\"model\":\"test-model\"}", "tok-1");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(accessLines("tok-1")).singleElement().asString().contains("\"POST /tokenize HTTP/1.1\" 400 ");
        r = send("DELETE", "/v1/models", null, "del-1");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(accessLines("del-1")).singleElement().asString().contains("\"DELETE /v1/models HTTP/1.1\" 405 ");
        r = send("GET", "/no/such/path?token=abc", null, "nf-1");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(accessLines("nf-1")).singleElement().asString().contains("\"GET /no/such/path HTTP/1.1\" 404 ")
                .doesNotContain("token=abc");
    }

    @Test
    void unusableClientIdsAreReplacedByAGeneratedOne() throws Exception {
        for (String bad : List.of("has space", "x".repeat(129), "quote\"d")) {
            HttpResponse<String> r = send("GET", "/v1/health/live", null, bad);
            String id = r.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(id).matches("[0-9a-f]{32}");
            assertThat(accessLines(id)).hasSize(1);
        }
        HttpResponse<String> r = send("GET", "/v1/version", null, null);
        assertThat(r.headers().firstValue("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f]{32}"));
    }
}
