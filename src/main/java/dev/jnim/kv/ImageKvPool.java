package dev.jnim.kv;

/**
 * Hands out image slots of the image KV pool: one slot holds the cross-attention K/V of one image in every
 * cross-attention layer ({@link ImageKvLayout#tokensPerImage()} tokens). A request takes one slot per image
 * when it is admitted, all or nothing, and gives them back when it finishes, is cancelled or is preempted.
 *
 * <p>Threading: owned by the engine thread; not thread-safe.
 */
public final class ImageKvPool {

    private final BlockPool slots;
    private final ImageKvLayout layout;

    public ImageKvPool(ImageKvLayout layout, int capacity) {
        this.layout = layout;
        this.slots = new BlockPool(capacity);
    }

    public ImageKvLayout layout() {
        return layout;
    }

    /** Image slots in the pool. */
    public int capacity() {
        return slots.capacity();
    }

    public int free() {
        return slots.freeCount();
    }

    public int used() {
        return slots.usedCount();
    }

    /** Vision tokens the pool holds. */
    public long capacityTokens() {
        return (long) capacity() * layout.tokensPerImage();
    }

    /** {@code n} slots, or null (nothing taken) when fewer are free. */
    public int[] allocate(int n) {
        if (n > slots.freeCount()) {
            return null;
        }
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = slots.allocate();
        }
        return ids;
    }

    /** Gives back slots taken by {@link #allocate}. */
    public void free(int[] ids) {
        for (int id : ids) {
            slots.release(id);
        }
    }
}
