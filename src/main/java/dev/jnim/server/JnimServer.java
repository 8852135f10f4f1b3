package dev.jnim.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.api.ApiException;
import dev.jnim.telemetry.OtelMetrics;
import dev.jnim.telemetry.Telemetry;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP service: NIM's endpoints on Helidon SE (one virtual thread per request) in front of one
 * {@link ServedModel}. Lifecycle: {@link #start} binds the port (liveness answers at once), then
 * {@link #loadModel} loads and warms up the model and turns readiness on; {@link #shutdown} turns
 * readiness off, refuses new requests, lets in-flight ones finish within the grace period and stops.
 *
 * <p>Threading: {@code state}, {@code model} and {@code metrics} are volatile, written by the
 * lifecycle thread and read by request threads; everything else is immutable or thread-safe.
 */
public final class JnimServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JnimServer.class);
    public static final String RELEASE = "0.1.0";
    static final String API_VERSION = "1.0.0";
    private static final List<String> POST_PATHS = List.of("/v1/chat/completions", "/v1/completions", "/tokenize",
            "/detokenize");
    private static final List<String> GET_PATHS = List.of("/v1/models", "/v1/health/live", "/v1/health/ready",
            "/v1/metrics", "/v1/version");

    /** Where the server is in its life; only READY serves generation requests. */
    public enum State { STARTING, READY, DRAINING, STOPPED }

    private final ServerOptions options;
    private final Telemetry telemetry;
    private final long createdSeconds = System.currentTimeMillis() / 1000;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CompletionsHandler completions = new CompletionsHandler(this);
    private final TokenizeHandler tokenize = new TokenizeHandler(this);
    private volatile State state = State.STARTING;
    private volatile ServedModel model;
    private volatile ServerMetrics metrics;
    private WebServer web;

    private JnimServer(ServerOptions options, Telemetry telemetry) {
        this.options = options;
        this.telemetry = telemetry;
    }

    /** As {@link #start(ServerOptions, Telemetry)} without request logs or OpenTelemetry. */
    public static JnimServer start(ServerOptions options) {
        return start(options, Telemetry.disabled());
    }

    /**
     * Binds the HTTP port and serves liveness; readiness stays 503 until {@link #loadModel}.
     *
     * @param telemetry request logging and OpenTelemetry; the caller closes it after {@link #awaitStopped}
     */
    public static JnimServer start(ServerOptions options, Telemetry telemetry) {
        JnimServer s = new JnimServer(options, telemetry);
        // At TRACE, Helidon's HTTP/1 wire log shows prologues and headers with their values redacted and
        // no body bytes (Helidon's defaults); LoggingProcessTest checks that no secret or prompt gets through.
        s.web = WebServer.builder().host(options.host()).port(options.port()).shutdownHook(false)
                .routing(s::routes).build().start();
        log.info("Listening on http://{}:{}", options.host(), s.web.port());
        return s;
    }

    /** Loads the model, warms it up and turns readiness on. */
    public void loadModel() throws InterruptedException {
        ServedModel m = ServedModel.load(options);
        ServerMetrics sm = new ServerMetrics(m.primaryName(), m.limits().maxModelLen(), m.limits().maxNumSeqs(),
                m.engine()::stats);
        if (telemetry.otelEnabled()) {
            var engine = m.engine();
            sm.mirrorTo(new OtelMetrics(telemetry.meter(), m.primaryName(), new OtelMetrics.EngineGauges(
                    () -> engine.stats().running(), () -> engine.stats().waiting(), () -> engine.stats().kvUsage()),
                    ServerMetrics.TTFT_BUCKETS, ServerMetrics.TPOT_BUCKETS, ServerMetrics.E2E_BUCKETS,
                    ServerMetrics.oneTwoFive(m.limits().maxModelLen())));
        }
        metrics = sm;
        model = m;
        m.warmUp();
        synchronized (this) {
            if (state == State.STARTING) {
                state = State.READY;
                log.info("Service is ready: {} on port {}", m.names(), web.port());
            }
        }
    }

    public int port() {
        return web.port();
    }

    public State state() {
        return state;
    }

    public ServerOptions options() {
        return options;
    }

    /** The served model, or null before it is loaded. */
    public ServedModel model() {
        return model;
    }

    ServerMetrics metrics() {
        return metrics;
    }

    Telemetry telemetry() {
        return telemetry;
    }

    /** The model when the server takes generation requests; else a 503. */
    ServedModel readyModel() {
        return switch (state) {
            case READY -> model;
            case STARTING -> throw new ApiException(503, null, "the model is still loading; retry when "
                    + "/v1/health/ready answers 200");
            case DRAINING, STOPPED -> throw new ApiException(503, null, "the server is shutting down");
        };
    }

    void requestStarted() {
        inFlight.incrementAndGet();
    }

    void requestEnded() {
        inFlight.decrementAndGet();
    }

    /**
     * Graceful stop: readiness 503 and no new requests at once, in-flight requests finish within
     * {@link ServerOptions#shutdownGrace()} (the rest are aborted), then the port closes and the model
     * is freed. Idempotent; safe from a signal handler thread.
     */
    public void shutdown() {
        synchronized (this) {
            if (state == State.DRAINING || state == State.STOPPED) {
                return;
            }
            state = State.DRAINING;
        }
        Duration grace = options.shutdownGrace();
        log.info("Shutting down: not ready, refusing new requests; {} in flight get up to {} s", inFlight.get(),
                grace.toSeconds());
        ServedModel m = model;
        if (m != null) {
            m.engine().shutdown(grace);
        }
        // The engine is done; give handlers a moment to write their last bytes.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        web.stop();
        if (m != null) {
            if (inFlight.get() == 0) {
                m.close();
            } else {
                // A handler still holds the tokenizer: freeing native memory under it could crash the JVM.
                log.warn("{} request(s) still running after the grace period; leaving the model mapped",
                        inFlight.get());
            }
        }
        state = State.STOPPED;
        log.info("Stopped"); // before waking awaitStopped: the process may exit right after it
        stopped.countDown();
    }

    /** Blocks until {@link #shutdown} completed. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        shutdown();
    }

    // ---------------- routes ----------------

    private void routes(HttpRouting.Builder r) {
        r.addFilter(new RequestObserver(telemetry, p -> POST_PATHS.contains(p) || GET_PATHS.contains(p)
                || options.documents().containsKey(p)));
        r.post("/v1/chat/completions", completions::chat)
                .post("/v1/completions", completions::completions)
                .post("/tokenize", tokenize::tokenize)
                .post("/detokenize", tokenize::detokenize)
                .get("/v1/models", this::models)
                .get("/v1/health/live", (req, res) -> health(res, 200, "Service is live."))
                .get("/v1/health/ready", this::ready)
                .get("/v1/metrics", this::metricsEndpoint)
                .get("/v1/version", this::version);
        options.documents().forEach((path, doc) -> r.get(path, (req, res) -> HttpJson.send(res, 200, doc)));
        for (String p : POST_PATHS) {
            r.any(p, (req, res) -> methodNotAllowed(req, res, "POST"));
        }
        for (String p : options.documents().keySet()) {
            r.any(p, (req, res) -> methodNotAllowed(req, res, "GET"));
        }
        for (String p : GET_PATHS) {
            r.any(p, (req, res) -> methodNotAllowed(req, res, "GET"));
        }
        r.any((req, res) -> HttpJson.sendError(res, new ApiException(404, null, "no such endpoint: "
                + req.prologue().method().text() + " " + truncate(req.path().path()))));
        r.error(ApiException.class, (req, res, e) -> HttpJson.sendError(res, e));
        r.error(Exception.class, (req, res, e) -> {
            log.error("request {} {} failed", req.prologue().method().text(), req.path().path(), e);
            if (!res.isSent()) {
                HttpJson.send(res, 500, HttpJson.errorBody(500, "internal server error", null));
            }
        });
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    private static void methodNotAllowed(ServerRequest req, ServerResponse res, String allowed) {
        res.header(HeaderNames.ALLOW, allowed);
        HttpJson.sendError(res, new ApiException(405, null, "method " + req.prologue().method().text()
                + " is not allowed on " + req.path().path() + "; use " + allowed));
    }

    private static void health(ServerResponse res, int status, String message) {
        ObjectNode o = HttpJson.JSON.createObjectNode();
        o.put("object", "health.response");
        o.put("message", message);
        HttpJson.send(res, status, o);
    }

    private void ready(ServerRequest req, ServerResponse res) {
        switch (state) {
            case READY -> health(res, 200, "Service is ready.");
            case STARTING -> HttpJson.sendError(res, new ApiException(503, null, "Service is not ready: the model is "
                    + "loading."));
            case DRAINING, STOPPED -> HttpJson.sendError(res, new ApiException(503, null, "Service is not ready: "
                    + "shutting down."));
        }
    }

    private void models(ServerRequest req, ServerResponse res) {
        ServedModel m = model;
        if (m == null) {
            throw new ApiException(503, null, "the model is still loading");
        }
        ObjectNode root = HttpJson.JSON.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String name : m.names()) {
            ObjectNode e = data.addObject();
            e.put("id", name);
            e.put("object", "model");
            e.put("created", createdSeconds);
            e.put("owned_by", "system");
            e.put("root", m.primaryName());
            e.putNull("parent");
            e.put("max_model_len", m.limits().maxModelLen());
            ObjectNode p = e.putArray("permission").addObject();
            p.put("id", "modelperm-" + Integer.toHexString(name.hashCode()));
            p.put("object", "model_permission");
            p.put("created", createdSeconds);
            p.put("allow_create_engine", false);
            p.put("allow_sampling", true);
            p.put("allow_logprobs", true);
            p.put("allow_search_indices", false);
            p.put("allow_view", true);
            p.put("allow_fine_tuning", false);
            p.put("organization", "*");
            p.putNull("group");
            p.put("is_blocking", false);
        }
        HttpJson.send(res, 200, root);
    }

    private void version(ServerRequest req, ServerResponse res) {
        ObjectNode o = HttpJson.JSON.createObjectNode();
        o.put("release", RELEASE);
        o.put("api", API_VERSION);
        HttpJson.send(res, 200, o);
    }

    private void metricsEndpoint(ServerRequest req, ServerResponse res) {
        ServerMetrics m = metrics;
        res.status(200);
        if (m == null) {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(new byte[0]); // nothing to report before the model is loaded
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, m.contentType());
        res.send(m.scrape());
    }
}
