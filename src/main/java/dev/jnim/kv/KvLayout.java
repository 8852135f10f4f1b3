package dev.jnim.kv;

/**
 * The shape of a model's self-attention KV cache: layers × KV heads × head size, float32.
 * {@link #bytesPerToken()} is what one cached token costs across all layers (K and V).
 */
public record KvLayout(int layers, int kvHeads, int headDim) {

    public static final int BLOCK_SIZE = 16;

    public KvLayout {
        if (layers <= 0 || kvHeads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("bad KV layout " + layers + "x" + kvHeads + "x" + headDim);
        }
    }

    /** Floats of K (or V) for one token in one layer. */
    public int slotStride() {
        return kvHeads * headDim;
    }

    /** Floats of K (or V) for one block in one layer. */
    public int blockStride() {
        return BLOCK_SIZE * slotStride();
    }

    public long bytesPerToken() {
        return 2L * layers * slotStride() * Float.BYTES;
    }

    public long bytesPerBlock() {
        return bytesPerToken() * BLOCK_SIZE;
    }
}
