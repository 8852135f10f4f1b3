package dev.jnim.server;

import dev.jnim.model.ImageInput;
import dev.jnim.vision.DecodedImage;
import dev.jnim.vision.ImageDecoder;
import dev.jnim.vision.ImageException;
import dev.jnim.vision.ImageFetcher;
import dev.jnim.vision.preprocess.NdArray;
import dev.jnim.vision.preprocess.ProcessedImage;
import dev.jnim.vision.preprocess.VisionPreprocessor;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * What happens to a request's images on its own thread before the engine sees them: fetch (or
 * decode the data URL), decode within the limits, run the model's image processor, and expand the
 * rendered prompt's image placeholders. Immutable and thread-safe.
 *
 * @param maxImages most images per request ({@code NIM_MAX_IMAGES_PER_PROMPT}; 0 = no limit)
 */
public record ImagePipeline(ImageFetcher fetcher, ImageDecoder decoder, VisionPreprocessor preprocessor,
                            int maxImages) {

    /**
     * The expanded prompt and the engine's inputs for each image, in order, with each image's size
     * in bytes as fetched (for request logs, which never show image data).
     */
    public record Prepared(String prompt, List<ImageInput> images, List<Integer> imageBytes) {
    }

    /** A failure of image {@code field}: the server answers 400 naming the field. */
    public static final class ImageRejected extends RuntimeException {
        private final String field;

        ImageRejected(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /**
     * @param urls   each image's URL and request field, in prompt order
     */
    public Prepared prepare(String renderedPrompt, List<String> urls, List<String> fields) {
        if (maxImages > 0 && urls.size() > maxImages) {
            throw new ImageRejected("messages", "the request has " + urls.size() + " images; at most " + maxImages
                    + " are accepted (NIM_MAX_IMAGES_PER_PROMPT)");
        }
        List<DecodedImage> decoded = new ArrayList<>();
        List<Long> hashes = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            String field = fields.get(i);
            try {
                byte[] bytes = fetcher.fetch(urls.get(i), field);
                hashes.add(hash(bytes));
                sizes.add(bytes.length);
                decoded.add(decoder.decode(bytes));
            } catch (ImageException e) {
                String msg = e.getMessage();
                throw new ImageRejected(field, msg.startsWith(field) ? msg : field + ": " + msg);
            }
        }
        VisionPreprocessor.Prepared p;
        try {
            p = preprocessor.prepare(renderedPrompt, decoded);
        } catch (ImageException e) {
            throw new ImageRejected("messages", "the image cannot be processed: " + e.getMessage());
        }
        List<ImageInput> inputs = new ArrayList<>();
        for (int i = 0; i < p.images().size(); i++) {
            inputs.add(input(p.images().get(i), hashes.get(i)));
        }
        return new Prepared(p.expandedPrompt(), inputs, List.copyOf(sizes));
    }

    /** The engine's view of a processed image: its pixel values, tiles and (Qwen2-VL) grid. */
    static ImageInput input(ProcessedImage img, long hash) {
        NdArray px = img.pixelValues();
        for (NdArray a : img.arrays()) {
            if (a.name().equals("image_grid_thw")) {
                long[] g = a.longs();
                return new ImageInput(px.floats(), 1, new int[] {(int) g[0], (int) g[1], (int) g[2]}, hash);
            }
        }
        NdArray ratio = img.array("aspect_ratio_ids");
        NdArray numTiles = img.array("num_tiles");
        if (ratio != null && numTiles != null) { // Llama 3.2 Vision: (1, 1, max_tiles, C, H, W)
            int[] sh = px.shape();
            return ImageInput.tiled(px.floats(), sh[sh.length - 4], (int) ratio.longs()[0], (int) numTiles.longs()[0],
                    hash);
        }
        int[] sh = px.shape();
        int tiles = 1;
        for (int i = 0; i < sh.length - 3; i++) {
            tiles *= sh[i];
        }
        return new ImageInput(px.floats(), tiles, null, hash);
    }

    /** The first 8 bytes of the image bytes' SHA-256: the encoder-cache and prefix-cache key. */
    static long hash(byte[] bytes) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(bytes)).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
