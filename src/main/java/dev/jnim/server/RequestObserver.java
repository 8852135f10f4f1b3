package dev.jnim.server;

import dev.jnim.telemetry.Telemetry;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps every HTTP request: gives it a request id ({@code X-Request-Id} when the client sent a
 * sane one, else a new one; returned in the response header), opens its server span (continuing
 * an incoming W3C {@code traceparent}; a no-op without OpenTelemetry) and writes one access-log
 * line when it ends: client address, method, path, protocol, status, duration, request id. Never
 * headers, query strings or bodies.
 *
 * <p>Threading: stateless; runs on each request's virtual thread, the same thread as its handler,
 * so the span is current while the handler runs.
 */
final class RequestObserver implements Filter {

    private static final Logger log = LoggerFactory.getLogger("dev.jnim.server.AccessLog");
    static final HeaderName X_REQUEST_ID = HeaderNames.create("X-Request-Id");
    /** Client ids we echo: printable, no spaces or quotes, bounded (they reach logs and headers). */
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:/+=@-]{1,128}");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("jnim.request_id");
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

    private static final TextMapGetter<RoutingRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RoutingRequest req) {
            return req.headers().stream().map(h -> h.name()).toList();
        }

        @Override
        public String get(RoutingRequest req, String key) {
            return req == null ? null : req.headers().first(HeaderNames.create(key)).orElse(null);
        }
    };

    /** What a handler may know about the request it serves (registered in the request's context). */
    record RequestInfo(String requestId) {
    }

    private final Telemetry telemetry;
    private final Predicate<String> knownRoute;

    /** @param knownRoute whether a path is one of the service's routes (names the span after it) */
    RequestObserver(Telemetry telemetry, Predicate<String> knownRoute) {
        this.telemetry = telemetry;
        this.knownRoute = knownRoute;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String id = req.headers().first(X_REQUEST_ID).filter(v -> SANE_ID.matcher(v).matches())
                .orElseGet(() -> UUID.randomUUID().toString().replace("-", ""));
        req.context().register(new RequestInfo(id));
        res.header(X_REQUEST_ID, id);
        String method = req.prologue().method().text();
        String path = req.path().path();
        String rawPath = req.path().rawPath();
        boolean route = knownRoute.test(path);
        Context parent = telemetry.openTelemetry().getPropagators().getTextMapPropagator()
                .extract(Context.root(), req, HEADERS);
        var sb = telemetry.tracer().spanBuilder(route ? method + " " + path : method).setParent(parent)
                .setSpanKind(SpanKind.SERVER).setAttribute(METHOD, method).setAttribute(PATH, path)
                .setAttribute(REQUEST_ID, id);
        if (route) {
            sb.setAttribute(ROUTE, path);
        }
        Span span = sb.startSpan();
        RuntimeException failure = null;
        try (Scope ignored = span.makeCurrent()) {
            chain.proceed();
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            int status = failure != null && !res.isSent() ? 500 : res.status().code();
            span.setAttribute(STATUS, (long) status);
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
            if (log.isInfoEnabled()) {
                log.info("{} \"{} {} {}\" {} {} ms request_id={}", client(req), method, loggablePath(rawPath),
                        req.prologue().rawProtocol(), status, String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e6),
                        id);
            }
        }
    }

    private static String client(RoutingRequest req) {
        var peer = req.remotePeer().address();
        return peer instanceof java.net.InetSocketAddress a ? a.getAddress().getHostAddress() + ":" + a.getPort()
                : String.valueOf(peer);
    }

    /** Paths are client text: still percent-encoded (no control characters) and bounded. */
    private static String loggablePath(String path) {
        return path.length() > 200 ? path.substring(0, 200) + "..." : path;
    }

    /** The request id a filter registered for this request. */
    static String requestId(io.helidon.webserver.http.ServerRequest req) {
        return req.context().get(RequestInfo.class).map(RequestInfo::requestId).orElse("-");
    }
}
