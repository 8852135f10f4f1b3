package dev.jnim.model;

/**
 * One preprocessed image as its model's processor produced it: {@code pixelValues} for
 * {@code tiles} tiles (Idefics3 splits, LLaVA one), or for Qwen2-VL the patch rows of a
 * {@code grid} (t, h, w). For Llama 3.2 Vision {@code tiles} is {@code max_image_tiles} (unused
 * tile slots are zero) and {@code grid} is (aspect_ratio_id, num_tiles), see {@link #tiled}.
 * {@code contentHash} identifies the image's bytes: the engine caches encoder outputs by it and
 * mixes it into prefix-cache block hashes.
 */
public record ImageInput(float[] pixelValues, int tiles, int[] grid, long contentHash) {
    /**
     * A Llama 3.2 Vision image: {@code maxTiles} tile slots of pixel values, the processor's 1-based
     * {@code aspect_ratio_id} and the number of tiles in use ({@code aspect_ratio_mask} has that many ones).
     */
    public static ImageInput tiled(float[] pixelValues, int maxTiles, int aspectRatioId, int numTiles, long contentHash) {
        return new ImageInput(pixelValues, maxTiles, new int[] {aspectRatioId, numTiles}, contentHash);
    }

    public ImageInput {
        if (pixelValues == null || pixelValues.length == 0 || tiles < 1) {
            throw new IllegalArgumentException("an image needs pixel values and at least one tile");
        }
    }
}
