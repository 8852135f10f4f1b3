package dev.jnim.kv;

/**
 * How many KV blocks to reserve, as NIM / vLLM size their cache: {@code NIM_KVCACHE_PERCENT} of
 * the memory that is free once the weights and activation buffers are loaded. The pool must hold
 * at least one sequence of {@code maxModelLen} tokens, otherwise startup fails and says which
 * variable to change.
 *
 * @param blocks          blocks in the pool
 * @param bytesPerBlock   K and V of one block over all layers
 * @param maxConcurrency  full-length sequences that fit at once
 */
public record KvSizing(int blocks, long bytesPerBlock, double maxConcurrency) {

    /**
     * @param layout         the model's KV layout
     * @param freeBytes      memory free now (cgroup-aware MemAvailable, after weights are mapped and buffers sized)
     * @param percent        fraction of it for the cache ({@code NIM_KVCACHE_PERCENT}, 0 < p ≤ 1)
     * @param maxModelLen    longest sequence to serve ({@code NIM_MAX_MODEL_LEN})
     */
    public static KvSizing compute(KvLayout layout, long freeBytes, double percent, int maxModelLen) {
        if (!(percent > 0 && percent <= 1)) {
            throw new IllegalArgumentException("NIM_KVCACHE_PERCENT must be in (0, 1], got " + percent);
        }
        long perBlock = layout.bytesPerBlock();
        long budget = (long) (Math.max(0, freeBytes) * percent);
        long blocks = Math.min(Integer.MAX_VALUE - 1, budget / perBlock);
        int needed = (maxModelLen + KvLayout.BLOCK_SIZE - 1) / KvLayout.BLOCK_SIZE;
        if (blocks < needed) {
            throw new IllegalStateException(String.format(
                    "not enough memory for the KV cache: one sequence of NIM_MAX_MODEL_LEN=%d tokens needs %d blocks "
                            + "(%.1f MiB) but NIM_KVCACHE_PERCENT=%s of the %.1f MiB free gives %d blocks (%.1f MiB); "
                            + "lower NIM_MAX_MODEL_LEN or raise NIM_KVCACHE_PERCENT (or give the process more memory)",
                    maxModelLen, needed, needed * perBlock / 1048576.0, percent, freeBytes / 1048576.0, blocks,
                    blocks * perBlock / 1048576.0));
        }
        return new KvSizing((int) blocks, perBlock, (double) blocks / needed);
    }

    public long tokens() {
        return (long) blocks * KvLayout.BLOCK_SIZE;
    }

    public long bytes() {
        return blocks * bytesPerBlock;
    }
}
