package dev.jnim.loadgen;

/** The measured outcome of one streamed request. Times are {@link System#nanoTime()} differences. */
public sealed interface RequestResult {

    /** Time from sending the request until this result was known. */
    long e2eNanos();

    /**
     * A request that streamed to its end.
     *
     * @param ttftNanos      send to first content-bearing chunk; -1 when no content arrived
     * @param itlNanos       inter-token latencies (see {@link InterTokenLatencies}), one per token after the first chunk's
     * @param outputTokens   {@code usage.completion_tokens}, else the number of content-bearing chunks
     * @param usageReported  whether the server sent {@code usage.completion_tokens}
     * @param promptTokens   {@code usage.prompt_tokens}, or -1
     * @param cachedTokens   {@code usage.prompt_tokens_details.cached_tokens}, or -1
     */
    record Success(long e2eNanos, long ttftNanos, double[] itlNanos, int outputTokens, boolean usageReported,
                   int promptTokens, int cachedTokens) implements RequestResult {
    }

    /**
     * A request that failed.
     *
     * @param httpStatus the status for {@link ErrorKind#HTTP_STATUS}, else 0 (or 200 for errors in a 200 answer)
     * @param message    what went wrong, for the log (never contains the API key)
     */
    record Failure(long e2eNanos, ErrorKind kind, int httpStatus, String message) implements RequestResult {

        /** The error-count key, e.g. {@code http_429}. */
        public String label() {
            return kind.label(httpStatus);
        }
    }
}
