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

    /** The end: why, the last held-back text, and the token counts. */
    record Finished(FinishReason reason, String text, Usage usage, String error) implements EngineEvent {
    }

    /** Token counts of a finished request; {@code cachedTokens} came from the prefix cache. */
    record Usage(int promptTokens, int completionTokens, int cachedTokens) {
    }
}
