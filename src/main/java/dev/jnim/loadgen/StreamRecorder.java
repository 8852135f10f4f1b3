package dev.jnim.loadgen;

import java.util.Arrays;

/**
 * Accumulates what one response stream says and when: arrival times of content-bearing chunks,
 * the usage, and whether the stream finished properly. Owned by the thread reading the response.
 */
final class StreamRecorder {

    private final long sentNanos;
    private long[] chunkNanos;
    private int chunks;
    private int completionTokens = -1;
    private int promptTokens = -1;
    private int cachedTokens = -1;
    private boolean finishReasonSeen;
    private boolean doneSeen;
    private long endNanos = -1;

    /** @param expectedChunks initial capacity (max_tokens + 1 avoids growing in the common case) */
    StreamRecorder(long sentNanos, int expectedChunks) {
        this.sentNanos = sentNanos;
        this.chunkNanos = new long[Math.max(expectedChunks, 8)];
    }

    void onChunk(StreamChunk c, long nowNanos) {
        if (c.hasContent()) {
            if (chunks == chunkNanos.length) {
                chunkNanos = Arrays.copyOf(chunkNanos, chunks * 2);
            }
            chunkNanos[chunks++] = nowNanos;
        }
        finishReasonSeen |= c.finished();
        // The usage comes in the last chunk; keep the latest figures a server sends.
        completionTokens = c.completionTokens() >= 0 ? c.completionTokens() : completionTokens;
        promptTokens = c.promptTokens() >= 0 ? c.promptTokens() : promptTokens;
        cachedTokens = c.cachedTokens() >= 0 ? c.cachedTokens() : cachedTokens;
        endNanos = nowNanos;
    }

    void onDone(long nowNanos) {
        doneSeen = true;
        endNanos = nowNanos;
    }

    boolean doneSeen() {
        return doneSeen;
    }

    /**
     * A stream is complete with {@code [DONE]}, or, for servers that omit the sentinel, when it
     * ended cleanly after a finish reason.
     */
    boolean complete() {
        return doneSeen || finishReasonSeen;
    }

    RequestResult.Success success(long fallbackEndNanos) {
        long end = endNanos >= 0 ? endNanos : fallbackEndNanos;
        boolean usage = completionTokens >= 0;
        int tokens = usage ? completionTokens : chunks;
        long ttft = chunks > 0 ? chunkNanos[0] - sentNanos : -1;
        return new RequestResult.Success(end - sentNanos, ttft, InterTokenLatencies.of(chunkNanos, chunks, usage ? tokens : -1),
                tokens, usage, promptTokens, cachedTokens);
    }
}
