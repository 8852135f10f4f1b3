package dev.jnim.vision.preprocess;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code MllamaProcessor}: image tokens are not expanded (one {@code <|image|>} each; the image enters through
 * cross-attention). {@code <|begin_of_text|>} is inserted after the leading image tokens unless the prompt already
 * has one ({@code build_string_from_input}), and {@link #crossAttentionMask} says which tokens see which tiles.
 */
public record MllamaPromptExpander() implements PromptExpander {

    static final String IMAGE = "<|image|>";
    static final String BOS = "<|begin_of_text|>";

    @Override
    public String placeholder() {
        return IMAGE;
    }

    @Override
    public String expand(String prompt, List<ImageLayout> images) {
        PromptExpander.split(prompt, IMAGE, images.size());
        if (prompt.contains(BOS)) {
            return prompt;
        }
        int leading = 0;
        String rest = prompt;
        while (rest.startsWith(IMAGE)) {
            rest = rest.substring(IMAGE.length());
            leading++;
        }
        return IMAGE.repeat(leading) + BOS + rest;
    }

    @Override
    public int imageTokens(ImageLayout image) {
        return 1;
    }

    /**
     * {@code cross_attention_mask} of one sequence, shape {@code (S, I, maxTiles)} flattened: token s attends to
     * tile t of image i from image i's token up to the next image token (the end for the last one); consecutive
     * image tokens all attend to the text after the last of them ({@code get_cross_attention_token_mask} and
     * {@code convert_sparse_cross_attention_mask_to_dense}).
     */
    public static long[] crossAttentionMask(int[] tokenIds, int imageTokenId, int[] numTiles, int maxTiles) {
        int length = tokenIds.length;
        List<Integer> locations = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            if (tokenIds[i] == imageTokenId) {
                locations.add(i);
            }
        }
        int images = numTiles.length;
        long[] mask = new long[length * images * maxTiles];
        if (locations.isEmpty()) {
            return mask;
        }
        int n = locations.size();
        int[][] spans = new int[n][2];
        if (n == 1) {
            spans[0] = new int[] {locations.getFirst(), -1};
        } else {
            for (int i = 0; i < n - 1; i++) {
                spans[i] = new int[] {locations.get(i), locations.get(i + 1)};
            }
            spans[n - 1] = new int[] {locations.get(n - 1), length};
            int lastEnd = spans[n - 1][1];
            for (int i = n - 1; i >= 0; i--) {
                if (spans[i][0] == spans[i][1] - 1) {
                    spans[i][1] = lastEnd;
                }
                lastEnd = spans[i][1];
            }
        }
        for (int img = 0; img < Math.min(n, images); img++) {
            int start = spans[img][0];
            int end = Math.min(spans[img][1], length);
            if (end == -1) {
                end = length;
            }
            for (int s = start; s < end; s++) {
                for (int t = 0; t < Math.min(numTiles[img], maxTiles); t++) {
                    mask[(s * images + img) * maxTiles + t] = 1;
                }
            }
        }
        return mask;
    }
}
