package dev.jnim.kv;

import dev.jnim.tensor.OffHeap;
import dev.jnim.tensor.PagedAttention;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Off-heap storage of the paged KV cache: for K and for V one region laid out
 * {@code [layer][block][slot][kvHead][headDim]} float32. The regions are reserved with
 * {@link OffHeap#allocate} so pages are committed only when a block is first written.
 * Which blocks belong to whom is the {@link BlockPool}'s business, not this class's.
 *
 * <p>Threading: written and read only by the engine thread and the compute pool it drives.
 */
public final class KvCache implements AutoCloseable {

    private final KvLayout layout;
    private final int numBlocks;
    private final OffHeap.Region k;
    private final OffHeap.Region v;

    public KvCache(KvLayout layout, int numBlocks) {
        if (numBlocks <= 0) {
            throw new IllegalArgumentException("KV cache needs at least one block, got " + numBlocks);
        }
        this.layout = layout;
        this.numBlocks = numBlocks;
        long bytes = (long) layout.layers() * numBlocks * layout.blockStride() * Float.BYTES;
        this.k = OffHeap.allocate(bytes);
        try {
            this.v = OffHeap.allocate(bytes);
        } catch (RuntimeException | Error e) {
            k.close();
            throw e;
        }
    }

    public KvLayout layout() {
        return layout;
    }

    public int numBlocks() {
        return numBlocks;
    }

    /** Bytes reserved (not necessarily committed) for K and V together. */
    public long reservedBytes() {
        return k.segment().byteSize() + v.segment().byteSize();
    }

    /** The attention kernel's view of one layer. */
    public PagedAttention.CacheView view(int layer) {
        return new PagedAttention.CacheView(k.segment(), v.segment(), (long) layer * numBlocks * layout.blockStride(),
                KvLayout.BLOCK_SIZE, layout.blockStride(), layout.slotStride());
    }

    /** Stores one token's K and V (all KV heads, {@code slotStride} floats each) at (layer, block, slot). */
    public void write(int layer, int block, int slot, float[] kSrc, int kOff, float[] vSrc, int vOff) {
        long off = ((long) layer * numBlocks * layout.blockStride() + (long) block * layout.blockStride()
                + (long) slot * layout.slotStride()) * Float.BYTES;
        int n = layout.slotStride();
        MemorySegment.copy(kSrc, kOff, k.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED, off, n);
        MemorySegment.copy(vSrc, vOff, v.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED, off, n);
    }

    @Override
    public void close() {
        k.close();
        v.close();
    }
}
