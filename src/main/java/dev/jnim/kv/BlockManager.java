package dev.jnim.kv;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Assigns KV blocks to sequences, with optional automatic prefix caching (vLLM's design): each
 * full block of a sequence gets a hash chained from its parent's, {@code hash(parent, token ids,
 * extra)} where {@code extra} covers the images overlapping the block; a new sequence reuses the
 * longest chain of cached blocks whose hashes and contents match; a block whose last holder
 * leaves stays cached (evictable, least recently used first) until its memory is needed.
 *
 * <p>Token ids and the parent hash of every cached block are kept and compared on a hit, so a
 * hash collision can never hand a sequence someone else's KV.
 *
 * <p>Threading: owned by the engine thread; not thread-safe.
 */
public final class BlockManager {

    private final BlockPool pool;
    private final boolean caching;
    // Prefix cache: hash -> block, and per block what it holds.
    private final Map<Long, Integer> byHash = new HashMap<>();
    private final long[] blockHash;
    private final long[] blockParent;
    private final long[] blockExtra;
    private final int[][] blockTokens;
    /** Cached blocks nobody holds, least recently used first. */
    private final LinkedHashSet<Integer> evictable = new LinkedHashSet<>();
    private long queries;
    private long hits;
    private long queriedTokens;
    private long hitTokens;

    public BlockManager(int numBlocks, boolean prefixCaching) {
        this.pool = new BlockPool(numBlocks);
        this.caching = prefixCaching;
        this.blockHash = new long[numBlocks];
        this.blockParent = new long[numBlocks];
        this.blockExtra = new long[numBlocks];
        this.blockTokens = new int[numBlocks][];
    }

    public int capacity() {
        return pool.capacity();
    }

    public boolean cachingEnabled() {
        return caching;
    }

    /** Blocks that can be handed out now: free ones plus cached ones nobody holds. */
    public int available() {
        return pool.freeCount() + evictable.size();
    }

    /** Blocks held by running sequences. */
    public int used() {
        return capacity() - available();
    }

    /** Cached blocks nobody holds (they count as available). */
    public int cachedIdle() {
        return evictable.size();
    }

    /** Hash of a full block: {@code parent}, the block's 16 token ids, and {@code extra} (image hashes). */
    public static long hash(long parent, int[] tokens, int from, long extra) {
        long h = parent * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        for (int i = from; i < from + KvLayout.BLOCK_SIZE; i++) {
            h = mix(h ^ tokens[i]);
        }
        return mix(h ^ extra);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Takes the longest cached prefix of {@code tokens} (full blocks only, at most
     * {@code maxTokens}) into the empty {@code table}. {@code extras[b]} is the extra hash of block
     * b (0 when no image overlaps it; null when there are no images). Returns the tokens covered.
     */
    public int reusePrefix(BlockTable table, int[] tokens, int maxTokens, long[] extras) {
        if (table.size() != 0) {
            throw new IllegalStateException("prefix reuse needs an empty block table");
        }
        if (!caching) {
            return 0;
        }
        queries++;
        queriedTokens += tokens.length;
        long parent = 0;
        int blocks = Math.min(maxTokens, tokens.length) / KvLayout.BLOCK_SIZE;
        int reused = 0;
        for (int b = 0; b < blocks; b++) {
            long extra = extras == null || b >= extras.length ? 0 : extras[b];
            long h = hash(parent, tokens, b * KvLayout.BLOCK_SIZE, extra);
            Integer id = byHash.get(h);
            if (id == null || blockParent[id] != parent || blockExtra[id] != extra
                    || !Arrays.equals(blockTokens[id], 0, KvLayout.BLOCK_SIZE, tokens, b * KvLayout.BLOCK_SIZE,
                    (b + 1) * KvLayout.BLOCK_SIZE)) {
                break;
            }
            if (evictable.remove(id)) {
                pool.revive(id);
            } else {
                pool.retain(id);
            }
            table.add(id);
            parent = h;
            reused++;
        }
        if (reused > 0) {
            hits++;
        }
        hitTokens += (long) reused * KvLayout.BLOCK_SIZE;
        return reused * KvLayout.BLOCK_SIZE;
    }

    /** Blocks still needed for {@code table} to hold {@code tokens} tokens. */
    public int blocksNeeded(BlockTable table, int tokens) {
        return table.blocksNeeded(tokens);
    }

    /** Grows {@code table} to hold {@code tokens}; all or nothing; evicts idle cached blocks if needed. */
    public boolean ensureCapacity(BlockTable table, int tokens) {
        int need = table.blocksNeeded(tokens);
        if (need > available()) {
            return false;
        }
        for (int i = 0; i < need; i++) {
            table.add(allocate());
        }
        return true;
    }

    private int allocate() {
        int id = pool.allocate();
        if (id >= 0) {
            return id;
        }
        Iterator<Integer> lru = evictable.iterator();
        id = lru.next();
        lru.remove();
        byHash.remove(blockHash[id]);
        blockTokens[id] = null;
        pool.revive(id);
        return id;
    }

    /**
     * Records that block {@code index} of {@code table} is now full with {@code tokens[index*16 ..]}
     * so later sequences may reuse it. {@code parent} is the previous block's hash (0 for the
     * first). Returns this block's hash, to chain the next one.
     */
    public long commitFullBlock(BlockTable table, int index, int[] tokens, long parent, long extra) {
        long h = hash(parent, tokens, index * KvLayout.BLOCK_SIZE, extra);
        if (!caching) {
            return h;
        }
        int id = table.get(index);
        if (blockTokens[id] != null) {
            return h; // already cached (it came from the cache)
        }
        if (byHash.containsKey(h)) {
            return h; // the same content is cached in another block; keep that one
        }
        blockHash[id] = h;
        blockParent[id] = parent;
        blockExtra[id] = extra;
        blockTokens[id] = Arrays.copyOfRange(tokens, index * KvLayout.BLOCK_SIZE, (index + 1) * KvLayout.BLOCK_SIZE);
        byHash.put(h, id);
        return h;
    }

    /** Releases every block of {@code table}; cached ones stay reusable until evicted. */
    public void free(BlockTable table) {
        int[] ids = table.array();
        // Release last blocks first so that, under LRU eviction, a chain loses its tail before its head.
        for (int i = table.size() - 1; i >= 0; i--) {
            int id = ids[i];
            if (pool.decref(id) == 0) {
                if (blockTokens[id] != null) {
                    evictable.add(id);
                } else {
                    pool.reclaim(id);
                }
            }
        }
        table.clear();
    }

    /** Drops every idle cached block (e.g. when caching is reset); returns how many. */
    public int clearCache() {
        int n = 0;
        for (Iterator<Integer> it = evictable.iterator(); it.hasNext(); ) {
            int id = it.next();
            it.remove();
            byHash.remove(blockHash[id]);
            blockTokens[id] = null;
            pool.reclaim(id);
            n++;
        }
        return n;
    }

    /** Prefix-cache lookups so far, lookups with at least one block hit, and tokens asked / found. */
    public record CacheStats(long queries, long hits, long queriedTokens, long hitTokens) {
        public double hitRate() {
            return queriedTokens == 0 ? 0 : (double) hitTokens / queriedTokens;
        }
    }

    public CacheStats cacheStats() {
        return new CacheStats(queries, hits, queriedTokens, hitTokens);
    }
}
