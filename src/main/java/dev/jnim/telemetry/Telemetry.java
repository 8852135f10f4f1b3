package dev.jnim.telemetry;

import dev.jnim.config.OtelExporter;
import dev.jnim.config.Settings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.logging.LoggingMetricExporter;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.OpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service reports about its requests beyond the Prometheus endpoint: whether request
 * contents may be logged ({@code NIM_DISABLE_LOG_REQUESTS}) and OpenTelemetry
 * ({@code NIM_ENABLE_OTEL}, {@code OTEL_*}). With OpenTelemetry off no SDK exists: the tracer and
 * meter are the API's no-ops and nothing connects anywhere. With it on, traces and metrics go to
 * the exporters {@code OTEL_TRACES_EXPORTER} / {@code OTEL_METRICS_EXPORTER} name: {@code console}
 * (log lines, through the same log format as everything else), {@code otlp} (OTLP over
 * {@code http/protobuf} to {@code OTEL_EXPORTER_OTLP_ENDPOINT}, default {@code http://localhost:4318},
 * the signal path {@code /v1/traces} or {@code /v1/metrics} appended as the OpenTelemetry
 * specification says for that variable) or {@code none}.
 *
 * <p>Threading: immutable after construction; the OpenTelemetry objects are thread-safe.
 */
public final class Telemetry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Telemetry.class);
    /** The OpenTelemetry default when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is unset (OTLP/HTTP port). */
    public static final URI DEFAULT_OTLP_ENDPOINT = URI.create("http://localhost:4318");
    /** Instrumentation scope of jnim's spans and metrics. */
    public static final String SCOPE = "dev.jnim";
    static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    private final boolean logRequests;
    private final OpenTelemetry otel;
    private final OpenTelemetrySdk sdk;
    private final String serviceName;

    private Telemetry(boolean logRequests, OpenTelemetry otel, OpenTelemetrySdk sdk, String serviceName) {
        this.logRequests = logRequests;
        this.otel = otel;
        this.sdk = sdk;
        this.serviceName = serviceName;
    }

    /** No request logs, no OpenTelemetry: the defaults. */
    public static Telemetry disabled() {
        return new Telemetry(false, OpenTelemetry.noop(), null, null);
    }

    /** As configured by the environment; metrics are exported every minute (the OpenTelemetry default). */
    public static Telemetry start(Settings.Logging logging, Settings.Telemetry t, String defaultServiceName) {
        return start(logging, t, defaultServiceName, Duration.ofSeconds(60));
    }

    /**
     * @param defaultServiceName service name when {@code OTEL_SERVICE_NAME} is unset: the served model name
     * @param metricInterval     how often metrics are exported (also once more at {@link #close})
     */
    public static Telemetry start(Settings.Logging logging, Settings.Telemetry t, String defaultServiceName,
                                  Duration metricInterval) {
        boolean logRequests = !logging.disableLogRequests();
        if (logRequests) {
            log.warn("NIM_DISABLE_LOG_REQUESTS=0: prompts, sampling parameters and prompt token ids of every "
                    + "request are logged");
        }
        if (!t.enabled()) {
            return new Telemetry(logRequests, OpenTelemetry.noop(), null, null);
        }
        String service = t.serviceName().orElse(defaultServiceName);
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, service)));
        URI endpoint = t.otlpEndpoint().orElse(DEFAULT_OTLP_ENDPOINT);
        OpenTelemetrySdkBuilder b = OpenTelemetrySdk.builder()
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
        var traces = SdkTracerProvider.builder().setResource(resource);
        switch (t.tracesExporter()) {
            case CONSOLE -> traces.addSpanProcessor(SimpleSpanProcessor.create(LoggingSpanExporter.create()));
            case OTLP -> traces.addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                    .setEndpoint(signalUrl(endpoint, "traces")).build()).build());
            case NONE -> { }
        }
        b.setTracerProvider(traces.build());
        MetricExporter metrics = switch (t.metricsExporter()) {
            case CONSOLE -> LoggingMetricExporter.create();
            case OTLP -> OtlpHttpMetricExporter.builder().setEndpoint(signalUrl(endpoint, "metrics")).build();
            case NONE -> null;
        };
        var meters = SdkMeterProvider.builder().setResource(resource);
        if (metrics != null) {
            meters.registerMetricReader(PeriodicMetricReader.builder(metrics).setInterval(metricInterval).build());
        }
        b.setMeterProvider(meters.build());
        OpenTelemetrySdk sdk = b.build();
        log.info("OpenTelemetry enabled: service {}, traces to {}, metrics to {}", service,
                describe(t.tracesExporter(), endpoint, "traces"), describe(t.metricsExporter(), endpoint, "metrics"));
        return new Telemetry(logRequests, sdk, sdk, service);
    }

    /** {@code base} + {@code /v1/<signal>}, as the specification builds URLs from {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
    static String signalUrl(URI base, String signal) {
        String s = base.toString();
        return (s.endsWith("/") ? s : s + "/") + "v1/" + signal;
    }

    private static String describe(OtelExporter e, URI endpoint, String signal) {
        return switch (e) {
            case CONSOLE -> "the log (console)";
            case OTLP -> signalUrl(endpoint, signal) + " (otlp, http/protobuf)";
            case NONE -> "nowhere (none)";
        };
    }

    /** {@code NIM_DISABLE_LOG_REQUESTS=0}: one log line with the contents of each generation request. */
    public boolean logRequests() {
        return logRequests;
    }

    /** Whether an OpenTelemetry SDK is running. */
    public boolean otelEnabled() {
        return sdk != null;
    }

    /** The service name reported, or null when OpenTelemetry is off. */
    public String serviceName() {
        return serviceName;
    }

    public OpenTelemetry openTelemetry() {
        return otel;
    }

    public Tracer tracer() {
        return otel.getTracer(SCOPE);
    }

    public Meter meter() {
        return otel.getMeter(SCOPE);
    }

    /** Exports what is pending and stops the SDK (waits up to 10 s). */
    @Override
    public void close() {
        if (sdk == null) {
            return;
        }
        CompletableResultCode done = sdk.shutdown().join(10, TimeUnit.SECONDS);
        if (!done.isSuccess()) {
            log.warn("OpenTelemetry did not export everything before shutdown");
        }
    }
}
