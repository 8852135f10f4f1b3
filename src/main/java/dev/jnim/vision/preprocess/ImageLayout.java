package dev.jnim.vision.preprocess;

/**
 * How a processed image maps to image tokens in the prompt: what each processor class's prompt expansion needs.
 */
public sealed interface ImageLayout {

    /** Idefics3: {@code rows x cols} tiles plus the global image; {@code 0 x 0} when the image was not split. */
    record Tiles(int rows, int cols) implements ImageLayout {
        /** Number of frames in {@code pixel_values}: the tiles and the global image. */
        public int frames() {
            return rows * cols + 1;
        }
    }

    /** CLIP/LLaVA: one {@code height x width} image. */
    record Single(int height, int width) implements ImageLayout {
    }

    /** Qwen2-VL: the patch grid {@code (t, h, w)} before the spatial merge. */
    record PatchGrid(int t, int h, int w) implements ImageLayout {
        public int patches() {
            return t * h * w;
        }
    }

    /** Mllama: {@code tilesHigh x tilesWide} tiles of the chosen canvas; the model attends to {@code numTiles()}. */
    record Canvas(int tilesHigh, int tilesWide, int aspectRatioId) implements ImageLayout {
        public int numTiles() {
            return tilesHigh * tilesWide;
        }
    }
}
