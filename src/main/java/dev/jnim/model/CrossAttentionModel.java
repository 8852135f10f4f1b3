package dev.jnim.model;

import dev.jnim.kv.ImageKvCache;
import dev.jnim.kv.ImageKvLayout;

/**
 * A vision-language model whose images do not enter the text sequence (Llama 3.2 Vision): each image is one
 * {@link #imageTokenId()} token in the prompt, and the text model's cross-attention layers read the image's
 * K/V from a second pool, the image KV pool ({@link ImageKvCache}). A sequence's images reach
 * {@link #forward} through {@link ForwardBatch#setCrossAttention}.
 *
 * <p>Threading: as {@link CausalLM}: the engine thread calls everything.
 */
public interface CrossAttentionModel extends CausalLM {

    /** The {@code <|image|>} token id (it may lie past {@link #vocabSize()}: an embedding row with no logit). */
    int imageTokenId();

    /** Shape of the image KV pool: cross-attention layers, KV heads, head size, vision tokens per image. */
    ImageKvLayout imageKvLayout();

    /** Tile slots per image (the processor's {@code max_image_tiles}). */
    int maxTiles();

    /** Pixel values of one image: {@code maxTiles × channels × size × size}. */
    int pixelValuesPerImage();

    /** The vision tower's output and the projector's output (the cross-attention states) of one image. */
    record Encoded(float[] vision, float[] states) {
    }

    /** Runs the vision tower and projector over one preprocessed image. */
    default Encoded encode(ImageInput image) {
        return encode(java.util.List.of(image)).getFirst();
    }

    /** Runs the vision tower and projector over several images in one batch; one result per image, in order. */
    java.util.List<Encoded> encode(java.util.List<ImageInput> images);

    /** Throws an {@link IllegalArgumentException} saying why {@link #encode} cannot take this image, if it cannot. */
    void checkImage(ImageInput image);

    /** Computes the cross-attention K/V of an image's states in every cross-attention layer into {@code slot}. */
    void writeImageKv(float[] states, ImageKvCache cache, int slot);
}
