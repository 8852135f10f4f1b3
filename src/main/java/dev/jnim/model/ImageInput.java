package dev.jnim.model;

/**
 * One preprocessed image as its model's processor produced it: {@code pixelValues} for
 * {@code tiles} tiles (Idefics3 splits, LLaVA one), or for Qwen2-VL the patch rows of a
 * {@code grid} (t, h, w). {@code contentHash} identifies the image's bytes: the engine caches
 * encoder outputs by it and mixes it into prefix-cache block hashes.
 */
public record ImageInput(float[] pixelValues, int tiles, int[] grid, long contentHash) {
    public ImageInput {
        if (pixelValues == null || pixelValues.length == 0 || tiles < 1) {
            throw new IllegalArgumentException("an image needs pixel values and at least one tile");
        }
    }
}
