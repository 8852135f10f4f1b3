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

    /**
     * Encodes several images in one batch; returns, per image, the rows that replace its
     * placeholder tokens ({@code [tokens × hidden]}).
     */
    default java.util.List<float[]> encode(java.util.List<ImageInput> images) {
        int tiles = 0;
        int len = 0;
        for (ImageInput i : images) {
            tiles += i.tiles();
            len += i.pixelValues().length;
        }
        float[] all = new float[len];
        int off = 0;
        for (ImageInput i : images) {
            System.arraycopy(i.pixelValues(), 0, all, off, i.pixelValues().length);
            off += i.pixelValues().length;
        }
        ImageFeatures f = encodeImages(all, tiles);
        java.util.List<float[]> out = new java.util.ArrayList<>();
        int rowsPerTile = f.projected().length / f.hidden() / tiles;
        int row = 0;
        for (ImageInput i : images) {
            int rows = i.tiles() * rowsPerTile;
            out.add(java.util.Arrays.copyOfRange(f.projected(), row * f.hidden(), (row + rows) * f.hidden()));
            row += rows;
        }
        return out;
    }

    /**
     * Multimodal rotary positions of a prompt ({@code [3 × n]}) and the delta of the positions
     * after it, for models with M-RoPE; null for the others (positions are the token indices).
     */
    default RopePlan ropePlan(int[] prompt, java.util.List<int[]> grids) {
        return null;
    }

    /** See {@link #ropePlan}: decode step k of an n-token prompt uses {@code n + k + delta}. */
    record RopePlan(int[][] positions, int delta) {
    }
}
