package dev.jnim.engine;

/**
 * A snapshot of the engine, published after every step for metrics and health.
 *
 * @param running            sequences running
 * @param waiting            sequences queued (including preempted ones)
 * @param kvUsedBlocks       blocks held by sequences
 * @param kvTotalBlocks      blocks in the pool
 * @param kvCachedBlocks     idle blocks kept for prefix reuse (counted as free)
 * @param prefixQueries      prefix-cache lookups
 * @param prefixHits         lookups that reused at least one block
 * @param prefixQueriedTokens prompt tokens looked up
 * @param prefixHitTokens    prompt tokens found in the cache
 * @param preemptions        sequences preempted so far
 * @param promptTokens       prompt tokens computed so far (not counting cache hits)
 * @param generatedTokens    tokens generated so far
 * @param steps              forward steps run
 * @param imagesEncoded      images run through the vision encoder
 * @param encoderCacheHits   images whose encoder output came from the encoder cache
 * @param encoderBatches     encoder runs (images encoded together in one step count once)
 * @param encoderSeconds     time spent in the vision encoder
 * @param imageUsedSlots     cross-attention models: image KV pool slots (one image each) held by sequences
 * @param imageTotalSlots    image KV pool slots (0: the model has no image pool)
 * @param waitingOnText      waiting requests the last step could not start for lack of text KV blocks
 * @param waitingOnImages    waiting requests the last step could not start for lack of image KV slots
 * @param peakRunning        most sequences that ran in one step so far (the concurrency achieved)
 */
public record EngineStats(int running, int waiting, int kvUsedBlocks, int kvTotalBlocks, int kvCachedBlocks,
                          long prefixQueries, long prefixHits, long prefixQueriedTokens, long prefixHitTokens,
                          long preemptions, long promptTokens, long generatedTokens, long steps,
                          long imagesEncoded, long encoderCacheHits, long encoderBatches, double encoderSeconds,
                          int imageUsedSlots, int imageTotalSlots, int waitingOnText, int waitingOnImages,
                          int peakRunning) {

    /** Fraction of the image KV pool held by sequences (0 without one). */
    public double imageKvUsage() {
        return imageTotalSlots == 0 ? 0 : (double) imageUsedSlots / imageTotalSlots;
    }

    /** Fraction of the KV pool held by sequences (NIM's {@code gpu_cache_usage_perc}, as 0..1). */
    public double kvUsage() {
        return kvTotalBlocks == 0 ? 0 : (double) kvUsedBlocks / kvTotalBlocks;
    }

    public double prefixHitRate() {
        return prefixQueriedTokens == 0 ? 0 : (double) prefixHitTokens / prefixQueriedTokens;
    }
}
