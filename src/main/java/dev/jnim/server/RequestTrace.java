package dev.jnim.server;

import dev.jnim.engine.EngineEvent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The spans of one generation request under its server span (opened by {@link RequestObserver}):
 * {@code validate_and_template} (with {@code image_fetch_and_preprocess} inside) on the request's
 * thread, then per choice a {@code generate} span with the engine's stages {@code queue_wait},
 * {@code vision_encode}, {@code prefill} and {@code decode}, made after the fact from the
 * engine's {@link EngineEvent.Timings}. Attributes carry the model, token counts and finish
 * reason; never prompt text or sampling parameters. Without OpenTelemetry every call is a no-op.
 *
 * <p>Threading: owned by the request's thread.
 */
final class RequestTrace {

    static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> CACHED_TOKENS = AttributeKey.longKey("jnim.usage.cached_tokens");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> CHOICE = AttributeKey.longKey("jnim.choice.index");
    static final AttributeKey<Long> IMAGES = AttributeKey.longKey("jnim.images");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");

    private final Tracer tracer;
    private final Span server;
    private final Context parent;
    /** Maps {@link System#nanoTime()} onto epoch nanoseconds for spans made after the fact. */
    private final long epochAnchor;
    private final long nanoAnchor;

    RequestTrace(Tracer tracer) {
        this.tracer = tracer;
        this.parent = Context.current();
        this.server = Span.fromContext(parent);
        Instant now = Instant.now();
        this.nanoAnchor = System.nanoTime();
        this.epochAnchor = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** A span on the request's thread, child of the server span; the caller ends it. */
    Span start(String name) {
        return tracer.spanBuilder(name).setParent(parent).startSpan();
    }

    /** A child of {@code of}; the caller ends it. */
    Span startChild(String name, Span of) {
        return tracer.spanBuilder(name).setParent(parent.with(of)).startSpan();
    }

    /** Model and response id on the server span, once the request is valid. */
    void accepted(String model, String responseId) {
        server.setAttribute(MODEL, model);
        server.setAttribute(RESPONSE_ID, responseId);
    }

    /** The engine's stages of one finished choice as spans, and its usage on the server span. */
    void choiceFinished(Choice c, String model) {
        EngineEvent.Finished f = c.finished;
        if (f == null || !server.getSpanContext().isValid()) {
            return;
        }
        EngineEvent.Usage u = f.usage();
        EngineEvent.Timings t = f.timings();
        long end = t != null ? t.finishedNanos() : System.nanoTime();
        long begin = t != null ? t.arrivedNanos() : end;
        Span gen = tracer.spanBuilder("generate").setParent(parent).setStartTimestamp(epoch(begin), TimeUnit.NANOSECONDS)
                .setAttribute(MODEL, model).setAttribute(CHOICE, (long) c.index)
                .setAttribute(INPUT_TOKENS, (long) u.promptTokens()).setAttribute(OUTPUT_TOKENS, (long) u.completionTokens())
                .setAttribute(CACHED_TOKENS, (long) u.cachedTokens())
                .setAttribute(FINISH_REASONS, List.of(f.reason().openAiName())).startSpan();
        if (f.error() != null) {
            gen.setStatus(StatusCode.ERROR, f.error());
        }
        if (t != null) {
            Context in = parent.with(gen);
            long scheduled = t.scheduledNanos();
            stage(in, "queue_wait", t.arrivedNanos(), scheduled != 0 ? scheduled : end);
            if (scheduled != 0) {
                if (t.encodeStartNanos() != 0) {
                    stage(in, "vision_encode", t.encodeStartNanos(), t.encodeEndNanos());
                }
                long first = t.firstTokenNanos();
                stage(in, "prefill", scheduled, first != 0 ? first : end);
                if (first != 0) {
                    stage(in, "decode", first, end);
                }
            }
        }
        gen.end(epoch(end), TimeUnit.NANOSECONDS);
    }

    /** Totals over the request's choices, on the server span. */
    void usage(long promptTokens, long completionTokens, List<String> finishReasons) {
        server.setAttribute(INPUT_TOKENS, promptTokens);
        server.setAttribute(OUTPUT_TOKENS, completionTokens);
        server.setAttribute(FINISH_REASONS, finishReasons);
    }

    private void stage(Context in, String name, long from, long to) {
        tracer.spanBuilder(name).setParent(in).setStartTimestamp(epoch(from), TimeUnit.NANOSECONDS).startSpan()
                .end(epoch(Math.max(from, to)), TimeUnit.NANOSECONDS);
    }

    private long epoch(long nanoTime) {
        return epochAnchor + (nanoTime - nanoAnchor);
    }
}
