package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.sun.net.httpserver.HttpServer;
import dev.jnim.config.LogLevel;
import dev.jnim.config.OtelExporter;
import dev.jnim.config.Settings;
import dev.jnim.telemetry.LogSetup;
import dev.jnim.telemetry.Telemetry;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry end to end: the real server exporting OTLP/HTTP (http/protobuf) to a collector
 * on loopback, read here with a hand-written protobuf decoder; the console exporters; and no
 * export at all without {@code NIM_ENABLE_OTEL=1}.
 */
class TracingTest {

    private static final String MARKER = "periwinkle-otter-3319";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN = "00f067aa0ba902b7";

    @TempDir
    static Path dir;
    static Path model;

    /** What the collector received: request path and body. */
    record Export(String path, byte[] body) {
    }

    private HttpServer collector;
    private final List<Export> exports = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void createModel() throws Exception {
        model = TestModelDir.create(dir);
    }

    @BeforeEach
    void startCollector() throws Exception {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", ex -> {
            exports.add(new Export(ex.getRequestURI().getPath(), ex.getRequestBody().readAllBytes()));
            ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, -1); // an empty Export*ServiceResponse
            ex.close();
        });
        collector.start();
    }

    @AfterEach
    void stopCollector() {
        collector.stop(0);
    }

    private URI collectorUri() {
        return URI.create("http://127.0.0.1:" + collector.getAddress().getPort());
    }

    private static Telemetry telemetry(boolean enabled, OtelExporter exporter, URI endpoint) {
        return Telemetry.start(new Settings.Logging(LogLevel.INFO, false, true),
                new Settings.Telemetry(enabled, exporter, exporter, Optional.ofNullable(endpoint), Optional.empty()),
                "test-model", Duration.ofHours(1));
    }

    private static String chatWithMarker() {
        return "{\"model\":\"test-model\",\"max_tokens\":3,\"temperature\":0,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Tell me about " + MARKER + "\"}]}";
    }

    /** Runs one chat request with an incoming traceparent against a server with this telemetry; closes both. */
    private static Http.Response serveOneRequest(Telemetry t) throws Exception {
        JnimServer server = JnimServer.start(TestModelDir.options(model, Map.of()), t);
        try (t) {
            server.loadModel();
            Http http = new Http(server.port());
            Http.Response r = http.postWithHeaders(RawHttpTest.CHAT, chatWithMarker(),
                    Map.of("traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN + "-01", "X-Request-Id", "otel-req-1"));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(http.get("/v1/health/ready").status()).isEqualTo(200);
            return r;
        } finally {
            server.shutdown();
        }
    }

    /** A decoded span: ids, name, kind, timestamps, attributes as strings. */
    record SpanView(String traceId, String spanId, String parentId, String name, long kind, long start, long end,
                    Map<String, String> attributes) {
    }

    private static String anyValue(ProtoMessage v) {
        if (v.has(1)) {
            return v.string(1);
        }
        if (v.has(5)) {
            return v.message(5).messages(1).stream().map(TracingTest::anyValue).toList().toString();
        }
        if (v.has(2)) {
            return String.valueOf(v.number(2) != 0);
        }
        if (v.has(4)) {
            return String.valueOf(Double.longBitsToDouble(v.number(4)));
        }
        return String.valueOf(v.number(3));
    }

    private static Map<String, String> attributes(List<ProtoMessage> kvs) {
        return kvs.stream().collect(Collectors.toMap(kv -> kv.string(1), kv -> anyValue(kv.message(2)), (a, b) -> a,
                java.util.TreeMap::new));
    }

    private List<SpanView> spans(List<String> serviceNames) {
        List<SpanView> out = new ArrayList<>();
        for (Export e : exports) {
            if (!e.path().equals("/v1/traces")) {
                continue;
            }
            for (ProtoMessage rs : ProtoMessage.parse(e.body()).messages(1)) {
                serviceNames.add(attributes(rs.message(1).messages(1)).get("service.name"));
                for (ProtoMessage ss : rs.messages(2)) {
                    for (ProtoMessage s : ss.messages(2)) {
                        out.add(new SpanView(s.hex(1), s.hex(2), s.hex(4), s.string(5), s.number(6), s.number(7),
                                s.number(8), attributes(s.messages(9))));
                    }
                }
            }
        }
        return out;
    }

    private static SpanView one(List<SpanView> spans, String name) {
        List<SpanView> m = spans.stream().filter(s -> s.name().equals(name)).toList();
        assertThat(m).as("spans named %s in %s", name, spans).hasSize(1);
        return m.getFirst();
    }

    @Test
    void otlpTraceContinuesTheIncomingTraceparentWithTheRequestsStages() throws Exception {
        Http.Response r = serveOneRequest(telemetry(true, OtelExporter.OTLP, collectorUri()));
        assertThat(r.raw().headers().firstValue("X-Request-Id")).hasValue("otel-req-1");

        List<String> services = new ArrayList<>();
        List<SpanView> spans = spans(services);
        assertThat(services).isNotEmpty().allMatch("test-model"::equals);
        SpanView root = one(spans, "POST /v1/chat/completions");
        assertThat(root.traceId()).isEqualTo(TRACE_ID);
        assertThat(root.parentId()).isEqualTo(PARENT_SPAN);
        assertThat(root.kind()).isEqualTo(2); // SPAN_KIND_SERVER
        assertThat(root.attributes()).containsEntry("http.response.status_code", "200")
                .containsEntry("jnim.request_id", "otel-req-1").containsEntry("gen_ai.request.model", "test-model")
                .containsEntry("gen_ai.usage.output_tokens", "3").containsEntry("gen_ai.response.finish_reasons",
                        "[length]");
        SpanView validate = one(spans, "validate_and_template");
        SpanView generate = one(spans, "generate");
        assertThat(List.of(validate.parentId(), generate.parentId())).containsOnly(root.spanId());
        assertThat(generate.attributes()).containsEntry("gen_ai.request.model", "test-model")
                .containsEntry("gen_ai.usage.output_tokens", "3").containsEntry("gen_ai.response.finish_reasons",
                        "[length]");
        assertThat(Long.parseLong(generate.attributes().get("gen_ai.usage.input_tokens"))).isPositive();
        SpanView queue = one(spans, "queue_wait");
        SpanView prefill = one(spans, "prefill");
        SpanView decode = one(spans, "decode");
        for (SpanView s : List.of(queue, prefill, decode)) {
            assertThat(s.parentId()).as(s.name()).isEqualTo(generate.spanId());
            assertThat(s.traceId()).isEqualTo(TRACE_ID);
            assertThat(s.start()).as(s.name()).isBetween(root.start(), s.end());
            assertThat(s.end()).as(s.name()).isLessThanOrEqualTo(root.end());
        }
        assertThat(queue.end()).isLessThanOrEqualTo(prefill.start());
        assertThat(prefill.end()).isLessThanOrEqualTo(decode.start());
        assertThat(validate.end()).isLessThanOrEqualTo(generate.start());
        // Never the prompt (nor anything else of the request body) in span data.
        for (Export e : exports) {
            assertThat(new String(e.body(), StandardCharsets.ISO_8859_1)).doesNotContain(MARKER);
        }

        // The metrics mirror /v1/metrics: same names; three generated tokens counted.
        Map<String, ProtoMessage> metrics = new java.util.HashMap<>();
        for (Export e : exports) {
            if (e.path().equals("/v1/metrics")) {
                for (ProtoMessage rm : ProtoMessage.parse(e.body()).messages(1)) {
                    for (ProtoMessage sm : rm.messages(2)) {
                        for (ProtoMessage m : sm.messages(2)) {
                            metrics.put(m.string(1), m);
                        }
                    }
                }
            }
        }
        assertThat(metrics.keySet()).contains("request_success", "prompt_tokens", "generation_tokens",
                "time_to_first_token_seconds", "e2e_request_latency_seconds", "num_requests_running",
                "num_requests_waiting", "gpu_cache_usage_perc");
        ProtoMessage generated = metrics.get("generation_tokens").message(7).message(1); // sum.data_points[0]
        assertThat(generated.number(6)).isEqualTo(3); // as_int
        assertThat(attributes(generated.messages(7))).containsEntry("model_name", "test-model");
        ProtoMessage ttft = metrics.get("time_to_first_token_seconds").message(9).message(1);
        assertThat(ttft.number(4)).isEqualTo(1); // one observation
        assertThat(metrics.get("time_to_first_token_seconds").string(3)).isEqualTo("s");
    }

    @Test
    void withoutNimEnableOtelNothingIsExported() throws Exception {
        Telemetry t = telemetry(false, OtelExporter.OTLP, collectorUri());
        assertThat(t.otelEnabled()).isFalse();
        Http.Response r = serveOneRequest(t);
        assertThat(r.raw().headers().firstValue("X-Request-Id")).hasValue("otel-req-1");
        assertThat(exports).isEmpty();
    }

    @Test
    void consoleExportersWriteSpansAndMetricsToTheLog() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogSetup.configure(LogLevel.DEFAULT, false, out);
        try {
            serveOneRequest(telemetry(true, OtelExporter.CONSOLE, null));
        } finally {
            LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
            ctx.reset();
            new ContextInitializer(ctx).autoConfig();
        }
        String log = out.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("'POST /v1/chat/completions'").contains(TRACE_ID).contains("'prefill'")
                .contains("'decode'").contains("name=request_success").contains("name=time_to_first_token_seconds");
        assertThat(log).doesNotContain(MARKER);
        assertThat(exports).isEmpty();
    }
}
