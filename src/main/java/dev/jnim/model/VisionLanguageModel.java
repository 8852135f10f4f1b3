package dev.jnim.model;

/**
 * A model that takes images: its vision tower and connector turn preprocessed pixels into rows of
 * the text model's embedding space, which replace the image placeholder tokens of the prompt
 * ({@link ForwardBatch#setEmbedding}).
 */
public interface VisionLanguageModel extends CausalLM {

    /** The placeholder token id that image features replace. */
    int imageTokenId();

    /**
     * Encodes {@code numImages} preprocessed images (the processor's {@code pixel_values}, flat).
     * Not thread-safe with {@link #forward}: both run on the engine thread.
     */
    ImageFeatures encodeImages(float[] pixelValues, int numImages);

    /**
     * @param vision          the tower's output (the connector's input), {@code [rows × visionHidden]}
     * @param projected       what replaces the image tokens, {@code [tokens × hidden]}, image by image
     * @param tokensPerImage  placeholder tokens one image expands to
     */
    record ImageFeatures(float[] vision, float[] projected, int tokensPerImage, int hidden) {
    }
}
