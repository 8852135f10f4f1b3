package dev.jnim.kv;

/**
 * Hands out KV block ids {@code [0, capacity)} and takes them back. Blocks are reference counted
 * so that a block can be shared (prefix caching, {@code n > 1} choices sharing a prompt); it
 * returns to the free list when its last holder releases it.
 *
 * <p>Threading: owned by the engine thread; not thread-safe.
 */
public final class BlockPool {

    private final int capacity;
    private final int[] free;
    private int freeCount;
    private final int[] refCount;

    public BlockPool(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("block pool capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.free = new int[capacity];
        this.refCount = new int[capacity];
        // Lowest ids handed out first: a small workload touches only the start of the cache.
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - 1 - i;
        }
        this.freeCount = capacity;
    }

    public int capacity() {
        return capacity;
    }

    public int freeCount() {
        return freeCount;
    }

    public int usedCount() {
        return capacity - freeCount;
    }

    /** Takes a free block with reference count 1, or returns -1 when none is left. */
    public int allocate() {
        if (freeCount == 0) {
            return -1;
        }
        int id = free[--freeCount];
        refCount[id] = 1;
        return id;
    }

    /** Adds a holder to a block in use. */
    public void retain(int id) {
        if (refCount[id] <= 0) {
            throw new IllegalStateException("retain of free block " + id);
        }
        refCount[id]++;
    }

    /** Drops a holder; the block is free again when none is left. Returns true if it was freed. */
    public boolean release(int id) {
        if (decref(id) == 0) {
            free[freeCount++] = id;
            return true;
        }
        return false;
    }

    /**
     * Drops a holder without freeing the block when none is left (its contents stay valid, e.g.
     * for the prefix cache); the caller later {@link #retain}s it again or {@link #reclaim}s it.
     * Returns the holders left.
     */
    public int decref(int id) {
        if (refCount[id] <= 0) {
            throw new IllegalStateException("double free of block " + id);
        }
        return --refCount[id];
    }

    /** Takes back to the free list a block that {@link #decref} left with no holder. */
    public void reclaim(int id) {
        if (refCount[id] != 0) {
            throw new IllegalStateException("reclaim of block " + id + " still held " + refCount[id] + " times");
        }
        free[freeCount++] = id;
    }

    /** Gives a block with no holder (and not on the free list) a first holder again. */
    public void revive(int id) {
        if (refCount[id] != 0) {
            throw new IllegalStateException("revive of block " + id + " held " + refCount[id] + " times");
        }
        refCount[id] = 1;
    }

    public int refCount(int id) {
        return refCount[id];
    }
}
