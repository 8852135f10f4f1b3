package dev.jnim.loadgen;

/**
 * Inter-token latencies from the arrival times of the content-bearing chunks of one stream.
 *
 * <p>A server may put several tokens into one chunk (speculative decoding, a detokenizer that holds
 * back incomplete characters, stream intervals). The client has no tokenizer, so when the usage
 * says {@code T} tokens arrived in {@code K < T} chunks, the tokens are spread evenly over the
 * chunks — chunk {@code i} carries {@code floor(T/K)} tokens, the last {@code T mod K} chunks one
 * more — and the gap before each chunk is divided evenly among the tokens it carries. The first
 * chunk's tokens count toward the time to first token, not here. When {@code T <= K} (or the
 * usage is unknown) each gap is one sample. Thus the samples sum to the time from the first to the
 * last chunk, and at one token per chunk they are exactly the gaps.
 */
public final class InterTokenLatencies {

    private InterTokenLatencies() {
    }

    /**
     * @param chunkNanos arrival times of the content-bearing chunks, ascending; only the first
     *                   {@code chunks} entries are used
     * @param tokens     output tokens per the usage, or -1 when unknown
     */
    public static double[] of(long[] chunkNanos, int chunks, int tokens) {
        if (chunks < 2) {
            return new double[0];
        }
        if (tokens <= chunks) {
            double[] gaps = new double[chunks - 1];
            for (int i = 1; i < chunks; i++) {
                gaps[i - 1] = chunkNanos[i] - chunkNanos[i - 1];
            }
            return gaps;
        }
        int base = tokens / chunks;
        int extraFrom = chunks - tokens % chunks; // chunks at index >= extraFrom carry base + 1
        int firstChunkTokens = extraFrom > 0 ? base : base + 1;
        double[] out = new double[tokens - firstChunkTokens];
        int n = 0;
        for (int i = 1; i < chunks; i++) {
            int carried = i >= extraFrom ? base + 1 : base;
            double each = (double) (chunkNanos[i] - chunkNanos[i - 1]) / carried;
            for (int k = 0; k < carried; k++) {
                out[n++] = each;
            }
        }
        return out;
    }
}
