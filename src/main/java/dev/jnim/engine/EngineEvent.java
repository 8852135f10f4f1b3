package dev.jnim.engine;

import java.util.List;

/** What a request's outbox carries: deltas of generated tokens and text, then one final event. */
public sealed interface EngineEvent {

    /**
     * Newly generated tokens and the text they complete (possibly empty while a multi-byte
     * character or a possible stop string is held back), with sampling details when asked for.
     */
    record Delta(int[] tokenIds, String text, List<SampleResult> samples) implements EngineEvent {
    }

    /**
     * The end: why, the last held-back text, the token counts and, from the engine, when each stage
     * happened ({@code timings} may be null for events not made by the engine).
     */
    record Finished(FinishReason reason, String text, Usage usage, String error, Timings timings)
            implements EngineEvent {

        public Finished(FinishReason reason, String text, Usage usage, String error) {
            this(reason, text, usage, error, null);
        }
    }

    /**
     * When the engine handled one request, as {@link System#nanoTime()} values; 0 for a stage that
     * did not happen (never scheduled, no image encoded, no token). Tracing turns these into spans.
     *
     * @param arrivedNanos     submitted
     * @param scheduledNanos   first scheduled (left the waiting queue)
     * @param encodeStartNanos its images' encoder batch started (0: no image, or all from the encoder cache)
     * @param encodeEndNanos   its images' encoder batch ended
     * @param firstTokenNanos  first token sampled (the end of prefill)
     * @param finishedNanos    finished
     */
    record Timings(long arrivedNanos, long scheduledNanos, long encodeStartNanos, long encodeEndNanos,
                   long firstTokenNanos, long finishedNanos) {
    }

    /** Token counts of a finished request; {@code cachedTokens} came from the prefix cache. */
    record Usage(int promptTokens, int completionTokens, int cachedTokens) {
    }
}
