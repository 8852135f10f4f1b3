package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.engine.EngineEvent;
import dev.jnim.engine.FinishReason;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's timestamps of a choice become stage spans with the right parents, times and attributes. */
class RequestTraceTest {

    private static final long MS = 1_000_000;
    private final List<SpanData> spans = new CopyOnWriteArrayList<>();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new SpanExporter() {
                @Override
                public CompletableResultCode export(Collection<SpanData> batch) {
                    spans.addAll(batch);
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode flush() {
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode shutdown() {
                    return CompletableResultCode.ofSuccess();
                }
            })).build();
    private final Tracer tracer = provider.get("test");

    @AfterEach
    void close() {
        provider.close();
    }

    private SpanData span(String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
    }

    private static long millis(SpanData s) {
        return (s.getEndEpochNanos() - s.getStartEpochNanos()) / MS;
    }

    private static Choice finished(int index, EngineEvent.Finished f) {
        Choice c = new Choice(index, 0, f.usage().promptTokens(), null);
        c.finished = f;
        return c;
    }

    @Test
    void imageRequestHasQueueEncodePrefillAndDecodeUnderItsGenerateSpan() {
        Span server = tracer.spanBuilder("POST /v1/chat/completions").startSpan();
        long t0 = System.nanoTime();
        try (Scope ignored = server.makeCurrent()) {
            RequestTrace trace = new RequestTrace(tracer);
            Span prep = trace.start("validate_and_template");
            trace.startChild("image_fetch_and_preprocess", prep).end();
            prep.end();
            var timings = new EngineEvent.Timings(t0, t0 + 10 * MS, t0 + 12 * MS, t0 + 40 * MS, t0 + 70 * MS,
                    t0 + 170 * MS);
            trace.choiceFinished(finished(0, new EngineEvent.Finished(FinishReason.LENGTH, "",
                    new EngineEvent.Usage(600, 8, 16), null, timings)), "vlm");
            trace.usage(600, 8, List.of("length"));
        }
        server.end();

        String root = server.getSpanContext().getSpanId();
        SpanData generate = span("generate");
        assertThat(generate.getParentSpanId()).isEqualTo(root);
        assertThat(span("validate_and_template").getParentSpanId()).isEqualTo(root);
        assertThat(span("image_fetch_and_preprocess").getParentSpanId())
                .isEqualTo(span("validate_and_template").getSpanId());
        for (String stage : List.of("queue_wait", "vision_encode", "prefill", "decode")) {
            assertThat(span(stage).getParentSpanId()).as(stage).isEqualTo(generate.getSpanId());
        }
        assertThat(millis(span("queue_wait"))).isEqualTo(10);
        assertThat(millis(span("vision_encode"))).isEqualTo(28);
        assertThat(millis(span("prefill"))).isEqualTo(60);
        assertThat(millis(span("decode"))).isEqualTo(100);
        assertThat(millis(generate)).isEqualTo(170);
        assertThat(span("prefill").getStartEpochNanos() - span("queue_wait").getStartEpochNanos()).isEqualTo(10 * MS);
        assertThat(generate.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(600);
        assertThat(generate.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(8);
        assertThat(generate.getAttributes().get(AttributeKey.longKey("jnim.usage.cached_tokens"))).isEqualTo(16);
        assertThat(generate.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
                .containsExactly("length");
        assertThat(generate.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("vlm");
    }

    @Test
    void aRequestCancelledWhileWaitingHasOnlyItsQueueWait() {
        Span server = tracer.spanBuilder("POST /v1/completions").startSpan();
        long t0 = System.nanoTime();
        try (Scope ignored = server.makeCurrent()) {
            RequestTrace trace = new RequestTrace(tracer);
            var timings = new EngineEvent.Timings(t0, 0, 0, 0, 0, t0 + 5 * MS);
            trace.choiceFinished(finished(1, new EngineEvent.Finished(FinishReason.ABORT, "",
                    new EngineEvent.Usage(12, 0, 0), "cancelled", timings)), "m");
        }
        server.end();
        assertThat(spans).extracting(SpanData::getName).containsExactlyInAnyOrder("queue_wait", "generate",
                "POST /v1/completions");
        assertThat(millis(span("queue_wait"))).isEqualTo(5);
        assertThat(span("generate").getStatus().getDescription()).isEqualTo("cancelled");
    }

    @Test
    void withoutAServerSpanNothingIsRecorded() {
        RequestTrace trace = new RequestTrace(tracer); // no current span: OpenTelemetry off for this request
        trace.choiceFinished(finished(0, new EngineEvent.Finished(FinishReason.STOP, "",
                new EngineEvent.Usage(3, 1, 0), null, null)), "m");
        assertThat(spans).isEmpty();
    }
}
