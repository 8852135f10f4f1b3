package dev.jnim.kv;

/**
 * The shape of a cross-attention model's image KV pool (Llama 3.2 Vision): for each image, the K and V of
 * its {@code tokensPerImage} vision tokens in each of the {@code layers} cross-attention layers, float32.
 * Every image costs the same: the text model attends to all {@code max_num_tiles} tile slots of an image.
 */
public record ImageKvLayout(int layers, int kvHeads, int headDim, int tokensPerImage) {

    public ImageKvLayout {
        if (layers <= 0 || kvHeads <= 0 || headDim <= 0 || tokensPerImage <= 0) {
            throw new IllegalArgumentException("bad image KV layout " + layers + "x" + kvHeads + "x" + headDim
                    + " for " + tokensPerImage + " tokens");
        }
    }

    /** Floats of K (or V) of one token in one layer. */
    public int slotStride() {
        return kvHeads * headDim;
    }

    /** K and V of one vision token over all cross-attention layers. */
    public long bytesPerToken() {
        return 2L * layers * slotStride() * Float.BYTES;
    }

    /** K and V of one image over all cross-attention layers. */
    public long bytesPerImage() {
        return bytesPerToken() * tokensPerImage;
    }
}
