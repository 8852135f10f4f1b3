package dev.jnim.server;

import dev.jnim.engine.EngineStats;
import dev.jnim.telemetry.OtelMetrics;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus metrics of {@code /v1/metrics}: NIM's names and buckets (label {@code model_name})
 * plus jnim's engine metrics ({@code jnim_} prefix). Each choice of a request is one engine
 * request and is counted once when it ends.
 *
 * <p>Threading: request threads record into the Prometheus metrics (thread-safe); engine gauges are
 * read at scrape time from the engine's published {@link EngineStats} snapshot.
 */
public final class ServerMetrics {

    static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5,
            5, 7.5, 10};
    static final double[] TPOT_BUCKETS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5};
    static final double[] E2E_BUCKETS = {1, 2.5, 5, 10, 15, 20, 30, 40, 50, 60};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final String model;
    private final Counter promptTokens;
    private final Counter generationTokens;
    private final Counter success;
    private final Counter failure;
    private final Histogram ttft;
    private final Histogram tpot;
    private final Histogram e2e;
    private final Histogram requestPromptTokens;
    private final Histogram requestGenerationTokens;
    /** The OpenTelemetry copy of the request metrics (NIM_ENABLE_OTEL=1), or null. */
    private volatile OtelMetrics otel;

    /**
     * @param stats the engine's latest snapshot (read at scrape time)
     */
    public ServerMetrics(String modelName, int maxModelLen, int maxNumSeqs, Supplier<EngineStats> stats) {
        this.model = modelName;
        gauge("num_requests_running", "Number of requests running on the engine.", stats, EngineStats::running);
        gauge("num_requests_waiting", "Number of requests waiting to be processed.", stats, EngineStats::waiting);
        gauge("num_request_max", "Maximum number of requests run at once.", stats, s -> maxNumSeqs);
        gauge("gpu_cache_usage_perc", "Fraction of KV-cache blocks in use (1 = 100%).", stats, EngineStats::kvUsage);
        promptTokens = counter("prompt_tokens", "Number of prefill tokens processed.");
        generationTokens = counter("generation_tokens", "Number of generation tokens processed.");
        success = Counter.builder().name("request_success").help("Count of successfully processed requests.")
                .labelNames("model_name", "finished_reason").register(registry);
        failure = counter("request_failure", "Count of failed requests.");
        ttft = histogram("time_to_first_token_seconds", "Histogram of time to first token in seconds.", TTFT_BUCKETS);
        tpot = histogram("time_per_output_token_seconds", "Histogram of time per output token in seconds.",
                TPOT_BUCKETS);
        e2e = histogram("e2e_request_latency_seconds", "Histogram of end to end request latency in seconds.",
                E2E_BUCKETS);
        double[] sizes = oneTwoFive(maxModelLen);
        requestPromptTokens = histogram("request_prompt_tokens", "Number of prefill tokens processed.", sizes);
        requestGenerationTokens = histogram("request_generation_tokens", "Number of generation tokens processed.",
                sizes);

        gauge("jnim_kv_cache_usage_ratio", "Fraction of the text KV pool held by sequences.", stats,
                EngineStats::kvUsage);
        gauge("jnim_kv_cache_used_blocks", "KV blocks held by sequences.", stats, EngineStats::kvUsedBlocks);
        gauge("jnim_kv_cache_total_blocks", "KV blocks in the pool.", stats, EngineStats::kvTotalBlocks);
        gauge("jnim_kv_cache_cached_blocks", "Idle KV blocks kept for prefix reuse.", stats,
                EngineStats::kvCachedBlocks);
        gauge("jnim_prefix_cache_hit_rate", "Fraction of looked-up prompt tokens found in the prefix cache.", stats,
                EngineStats::prefixHitRate);
        gauge("jnim_requests_running", "Sequences running on the engine.", stats, EngineStats::running);
        gauge("jnim_requests_waiting", "Sequences queued, preempted ones included.", stats, EngineStats::waiting);
        counterFrom("jnim_preemptions", "Sequences preempted (recomputed later).", stats, EngineStats::preemptions);
        counterFrom("jnim_engine_steps", "Forward steps run by the engine.", stats, EngineStats::steps);
        gauge("jnim_image_kv_cache_usage_ratio", "Fraction of the image KV pool (cross-attention states, Llama 3.2 "
                + "Vision) held by sequences; 0 for models without one.", stats, EngineStats::imageKvUsage);
        gauge("jnim_image_kv_cache_used_images", "Image KV pool slots (one image each) held by sequences.", stats,
                EngineStats::imageUsedSlots);
        gauge("jnim_image_kv_cache_total_images", "Image KV pool slots (one image each).", stats,
                EngineStats::imageTotalSlots);
        gauge("jnim_requests_waiting_text_kv", "Waiting requests the last step could not start for lack of text KV "
                + "blocks.", stats, EngineStats::waitingOnText);
        gauge("jnim_requests_waiting_image_kv", "Waiting requests the last step could not start for lack of image KV "
                + "slots.", stats, EngineStats::waitingOnImages);
        counterFrom("jnim_encoder_images", "Images run through the vision encoder.", stats, EngineStats::imagesEncoded);
        counterFrom("jnim_encoder_cache_hits", "Images whose encoder output came from the encoder cache.", stats,
                EngineStats::encoderCacheHits);
        counterFrom("jnim_encoder_batches", "Vision encoder runs (images of one step are encoded together).", stats,
                EngineStats::encoderBatches);
        counterFrom("jnim_encoder_seconds", "Time spent in the vision encoder (its rate over the batches' rate is the "
                + "mean encoder latency).", stats, EngineStats::encoderSeconds);
    }

    /** Records every request metric into {@code mirror} as well, from now on. */
    public void mirrorTo(OtelMetrics mirror) {
        otel = mirror;
    }

    /** One engine request ended; {@code ttftSeconds} is NaN when no token came. */
    public void finished(String finishedReason, int prompt, int generated, double ttftSeconds, double e2eSeconds) {
        success.labelValues(model, finishedReason).inc();
        promptTokens.labelValues(model).inc(prompt);
        generationTokens.labelValues(model).inc(generated);
        requestPromptTokens.labelValues(model).observe(prompt);
        requestGenerationTokens.labelValues(model).observe(generated);
        if (!Double.isNaN(ttftSeconds)) {
            ttft.labelValues(model).observe(ttftSeconds);
        }
        e2e.labelValues(model).observe(e2eSeconds);
        OtelMetrics o = otel;
        if (o != null) {
            o.finished(finishedReason, prompt, generated, ttftSeconds, e2eSeconds);
        }
    }

    /** The time between two consecutive output tokens of one request. */
    public void interTokenLatency(double seconds) {
        tpot.labelValues(model).observe(seconds);
        OtelMetrics o = otel;
        if (o != null) {
            o.interTokenLatency(seconds);
        }
    }

    /** A generation request answered with an error (invalid, rejected, failed). */
    public void failed() {
        failure.labelValues(model).inc();
        OtelMetrics o = otel;
        if (o != null) {
            o.failed();
        }
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    public String contentType() {
        return writer.getContentType();
    }

    /** 1, 2, 5, 10, 20, 50, ... up to {@code max}, as vLLM's {@code build_1_2_5_buckets}. */
    static double[] oneTwoFive(int max) {
        List<Double> b = new ArrayList<>();
        for (long exp = 1; ; exp *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                long v = m * exp;
                if (v > max) {
                    return b.stream().mapToDouble(Double::doubleValue).toArray();
                }
                b.add((double) v);
            }
        }
    }

    private void gauge(String name, String help, Supplier<EngineStats> stats, ToDoubleFunction<EngineStats> f) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("model_name")
                .callback(cb -> cb.call(f.applyAsDouble(stats.get()), model)).register(registry);
    }

    private void counterFrom(String name, String help, Supplier<EngineStats> stats, ToDoubleFunction<EngineStats> f) {
        CounterWithCallback.builder().name(name).help(help).labelNames("model_name")
                .callback(cb -> cb.call(f.applyAsDouble(stats.get()), model)).register(registry);
    }

    private Counter counter(String name, String help) {
        Counter c = Counter.builder().name(name).help(help).labelNames("model_name").register(registry);
        c.labelValues(model); // exported as 0 before the first request, as dashboards expect
        return c;
    }

    private Histogram histogram(String name, String help, double[] buckets) {
        Histogram h = Histogram.builder().name(name).help(help).labelNames("model_name").classicOnly()
                .classicUpperBounds(buckets).register(registry);
        h.labelValues(model);
        return h;
    }
}
