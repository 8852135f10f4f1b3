package dev.jnim.kv;

import java.util.Arrays;

/**
 * The blocks of one sequence, in order: token position p lives in block {@code blocks[p / 16]},
 * slot {@code p % 16}. Grows a block at a time from a {@link BlockPool}.
 *
 * <p>Threading: owned by the engine thread.
 */
public final class BlockTable {

    private int[] blocks = new int[4];
    private int size;

    /** Number of blocks held. */
    public int size() {
        return size;
    }

    /** Tokens that fit in the blocks held. */
    public int capacityTokens() {
        return size * KvLayout.BLOCK_SIZE;
    }

    /** The backing array (valid for indices below {@link #size()}); do not modify. */
    public int[] array() {
        return blocks;
    }

    public int get(int i) {
        return blocks[i];
    }

    /** Appends an already-owned block (e.g. a cached prefix block). */
    public void add(int block) {
        if (size == blocks.length) {
            blocks = Arrays.copyOf(blocks, size * 2);
        }
        blocks[size++] = block;
    }

    /** Blocks still needed to hold {@code tokens} tokens. */
    public int blocksNeeded(int tokens) {
        return Math.max(0, (tokens + KvLayout.BLOCK_SIZE - 1) / KvLayout.BLOCK_SIZE - size);
    }

    /**
     * Grows to hold {@code tokens} tokens. All or nothing: returns false, with nothing taken,
     * when the pool has too few free blocks.
     */
    public boolean ensureCapacity(int tokens, BlockPool pool) {
        int need = blocksNeeded(tokens);
        if (need > pool.freeCount()) {
            return false;
        }
        for (int i = 0; i < need; i++) {
            add(pool.allocate());
        }
        return true;
    }

    /** Empties the table without releasing anything (the caller released the blocks). */
    public void clear() {
        size = 0;
    }

    /** Releases every block to the pool and empties the table. */
    public void releaseAll(BlockPool pool) {
        for (int i = 0; i < size; i++) {
            pool.release(blocks[i]);
        }
        size = 0;
    }
}
