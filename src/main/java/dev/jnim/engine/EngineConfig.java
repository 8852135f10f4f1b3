package dev.jnim.engine;

/**
 * The engine's limits.
 *
 * @param maxNumSeqs        sequences running at once ({@code NIM_MAX_NUM_SEQS})
 * @param maxBatchedTokens  tokens per forward step (decodes plus prefill chunks)
 * @param maxModelLen       longest prompt + output ({@code NIM_MAX_MODEL_LEN})
 * @param maxWaiting        requests queued before new ones get 429
 * @param prefixCaching     reuse cached prompt blocks ({@code NIM_ENABLE_KV_CACHE_REUSE})
 * @param outboxCapacity    undelivered deltas a client may have before it counts as too slow
 * @param encoderBatchingMs how long a request with images may wait for others to share its vision
 *                          encoder batch ({@code NIM_ENCODER_BATCHING_MS})
 */
public record EngineConfig(int maxNumSeqs, int maxBatchedTokens, int maxModelLen, int maxWaiting,
                           boolean prefixCaching, int outboxCapacity, int encoderBatchingMs) {

    /** On CPU a step of a few hundred tokens already saturates the cores; larger only adds latency. */
    public static final int DEFAULT_MAX_BATCHED_TOKENS = 512;

    public EngineConfig {
        if (maxNumSeqs < 1 || maxBatchedTokens < 1 || maxModelLen < 1 || maxWaiting < 0 || outboxCapacity < 1
                || encoderBatchingMs < 0) {
            throw new IllegalArgumentException("bad engine config " + maxNumSeqs + "/" + maxBatchedTokens + "/"
                    + maxModelLen + "/" + maxWaiting + "/" + outboxCapacity);
        }
    }

    public static EngineConfig defaults(int maxModelLen, int maxNumSeqs) {
        return new EngineConfig(maxNumSeqs, DEFAULT_MAX_BATCHED_TOKENS, maxModelLen, 1024, false, 4096, 0);
    }

    public EngineConfig withPrefixCaching(boolean on) {
        return new EngineConfig(maxNumSeqs, maxBatchedTokens, maxModelLen, maxWaiting, on, outboxCapacity, encoderBatchingMs);
    }

    public EngineConfig withMaxBatchedTokens(int n) {
        return new EngineConfig(maxNumSeqs, n, maxModelLen, maxWaiting, prefixCaching, outboxCapacity, encoderBatchingMs);
    }

    public EngineConfig withMaxWaiting(int n) {
        return new EngineConfig(maxNumSeqs, maxBatchedTokens, maxModelLen, n, prefixCaching, outboxCapacity, encoderBatchingMs);
    }

    public EngineConfig withEncoderBatchingMs(int ms) {
        return new EngineConfig(maxNumSeqs, maxBatchedTokens, maxModelLen, maxWaiting, prefixCaching, outboxCapacity, ms);
    }

    public EngineConfig withOutboxCapacity(int n) {
        return new EngineConfig(maxNumSeqs, maxBatchedTokens, maxModelLen, maxWaiting, prefixCaching, n, encoderBatchingMs);
    }
}
