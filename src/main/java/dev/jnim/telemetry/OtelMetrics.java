package dev.jnim.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * The OpenTelemetry mirror of the Prometheus metrics of {@code /v1/metrics}: the same names, units,
 * bucket bounds and {@code model_name} attribute, so a dashboard can switch source without
 * renaming. Engine gauges are observed at export time through the given suppliers.
 *
 * <p>Threading: every method may be called from any thread (the instruments are thread-safe).
 */
public final class OtelMetrics {

    static final AttributeKey<String> MODEL_NAME = AttributeKey.stringKey("model_name");
    static final AttributeKey<String> FINISHED_REASON = AttributeKey.stringKey("finished_reason");

    private final Attributes model;
    private final LongCounter promptTokens;
    private final LongCounter generationTokens;
    private final LongCounter success;
    private final LongCounter failure;
    private final DoubleHistogram ttft;
    private final DoubleHistogram tpot;
    private final DoubleHistogram e2e;
    private final LongHistogram requestPromptTokens;
    private final LongHistogram requestGenerationTokens;

    /** The engine's gauges, read at export time. */
    public record EngineGauges(DoubleSupplier running, DoubleSupplier waiting, DoubleSupplier kvUsage) {
    }

    /**
     * @param latencyBuckets upper bounds of TTFT, TPOT and end-to-end latency, as the Prometheus histograms
     * @param tokenBuckets   upper bounds of the per-request token-count histograms
     */
    public OtelMetrics(Meter meter, String modelName, EngineGauges gauges, double[] ttftBuckets,
                       double[] tpotBuckets, double[] e2eBuckets, double[] tokenBuckets) {
        this.model = Attributes.of(MODEL_NAME, modelName);
        meter.gaugeBuilder("num_requests_running").setDescription("Number of requests running on the engine.")
                .buildWithCallback(m -> m.record(gauges.running().getAsDouble(), model));
        meter.gaugeBuilder("num_requests_waiting").setDescription("Number of requests waiting to be processed.")
                .buildWithCallback(m -> m.record(gauges.waiting().getAsDouble(), model));
        meter.gaugeBuilder("gpu_cache_usage_perc").setDescription("Fraction of KV-cache blocks in use (1 = 100%).")
                .buildWithCallback(m -> m.record(gauges.kvUsage().getAsDouble(), model));
        promptTokens = meter.counterBuilder("prompt_tokens").setDescription("Number of prefill tokens processed.")
                .build();
        generationTokens = meter.counterBuilder("generation_tokens")
                .setDescription("Number of generation tokens processed.").build();
        success = meter.counterBuilder("request_success").setDescription("Count of successfully processed requests.")
                .build();
        failure = meter.counterBuilder("request_failure").setDescription("Count of failed requests.").build();
        ttft = seconds(meter, "time_to_first_token_seconds", "Histogram of time to first token in seconds.",
                ttftBuckets);
        tpot = seconds(meter, "time_per_output_token_seconds", "Histogram of time per output token in seconds.",
                tpotBuckets);
        e2e = seconds(meter, "e2e_request_latency_seconds", "Histogram of end to end request latency in seconds.",
                e2eBuckets);
        requestPromptTokens = tokens(meter, "request_prompt_tokens", "Number of prefill tokens processed.",
                tokenBuckets);
        requestGenerationTokens = tokens(meter, "request_generation_tokens", "Number of generation tokens processed.",
                tokenBuckets);
    }

    /** One engine request ended; {@code ttftSeconds} is NaN when no token came. */
    public void finished(String finishedReason, int prompt, int generated, double ttftSeconds, double e2eSeconds) {
        success.add(1, model.toBuilder().put(FINISHED_REASON, finishedReason).build());
        promptTokens.add(prompt, model);
        generationTokens.add(generated, model);
        requestPromptTokens.record(prompt, model);
        requestGenerationTokens.record(generated, model);
        if (!Double.isNaN(ttftSeconds)) {
            ttft.record(ttftSeconds, model);
        }
        e2e.record(e2eSeconds, model);
    }

    /** The time between two consecutive output tokens of one request. */
    public void interTokenLatency(double seconds) {
        tpot.record(seconds, model);
    }

    /** A generation request answered with an error. */
    public void failed() {
        failure.add(1, model);
    }

    private static DoubleHistogram seconds(Meter meter, String name, String help, double[] buckets) {
        return meter.histogramBuilder(name).setDescription(help).setUnit("s")
                .setExplicitBucketBoundariesAdvice(boxed(buckets)).build();
    }

    private static LongHistogram tokens(Meter meter, String name, String help, double[] buckets) {
        return meter.histogramBuilder(name).setDescription(help).setUnit("{token}").ofLongs()
                .setExplicitBucketBoundariesAdvice(Arrays.stream(buckets).mapToLong(d -> (long) d).boxed().toList())
                .build();
    }

    private static List<Double> boxed(double[] a) {
        return Arrays.stream(a).boxed().toList();
    }
}
