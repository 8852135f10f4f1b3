package dev.jnim.kv;

import dev.jnim.tensor.OffHeap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Off-heap storage of the image KV pool: for K and for V one region laid out
 * {@code [image slot][cross layer][token][kvHead][headDim]} float32, reserved lazily like {@link KvCache}.
 * Which slots belong to which request is {@link ImageKvPool}'s business.
 *
 * <p>Threading: written and read only by the engine thread and the compute pool it drives.
 */
public final class ImageKvCache implements AutoCloseable {

    private final ImageKvLayout layout;
    private final int slots;
    private final OffHeap.Region k;
    private final OffHeap.Region v;

    public ImageKvCache(ImageKvLayout layout, int slots) {
        if (slots <= 0) {
            throw new IllegalArgumentException("image KV cache needs at least one image slot, got " + slots);
        }
        this.layout = layout;
        this.slots = slots;
        long bytes = (long) slots * layout.bytesPerImage() / 2;
        this.k = OffHeap.allocate(bytes);
        try {
            this.v = OffHeap.allocate(bytes);
        } catch (RuntimeException | Error e) {
            k.close();
            throw e;
        }
    }

    public ImageKvLayout layout() {
        return layout;
    }

    public int slots() {
        return slots;
    }

    public MemorySegment k() {
        return k.segment();
    }

    public MemorySegment v() {
        return v.segment();
    }

    /** Element offset of token 0 of {@code slot} in cross layer {@code layer}; tokens follow at {@link ImageKvLayout#slotStride()}. */
    public long base(int slot, int layer) {
        if (slot < 0 || slot >= slots) {
            throw new IndexOutOfBoundsException("image slot " + slot + " of " + slots);
        }
        return ((long) slot * layout.layers() + layer) * layout.tokensPerImage() * layout.slotStride();
    }

    /** Stores K and V of {@code tokens} consecutive tokens (rows of {@code slotStride} floats) from token 0. */
    public void write(int slot, int layer, float[] kSrc, float[] vSrc, int tokens) {
        if (tokens != layout.tokensPerImage()) {
            throw new IllegalArgumentException("an image has " + layout.tokensPerImage() + " tokens, got " + tokens);
        }
        long off = base(slot, layer) * Float.BYTES;
        int n = tokens * layout.slotStride();
        MemorySegment.copy(kSrc, 0, k.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED, off, n);
        MemorySegment.copy(vSrc, 0, v.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED, off, n);
    }

    /** Bytes reserved (not necessarily committed) for K and V together. */
    public long reservedBytes() {
        return k.segment().byteSize() + v.segment().byteSize();
    }

    @Override
    public void close() {
        k.close();
        v.close();
    }
}
