package dev.jnim.model;

import dev.jnim.kv.ImageKvCache;

/**
 * What a sequence's tokens read in the cross-attention layers of a Llama 3.2 Vision model: the image KV slots
 * of its images (in prompt order) and, per prompt position, which tiles of which images the token may see
 * ({@code cross_attention_mask}, {@code [images × tiles]} per row). Generated tokens use the last prompt row, as
 * HF's {@code generate} extends the mask. A row that sees no tile (text before the first image) is null: HF's
 * {@code full_text_row_masked_out_mask} path, where the token attends to every vision token unmasked and its
 * cross-attention MLP output is zeroed.
 */
public record CrossAttentionInputs(ImageKvCache cache, int[] slots, int tiles, boolean[][] visible, long[][] bases) {

    /** {@code bases[layer][i]}: where image i's K/V of cross-attention layer {@code layer} start in the cache. */
    public CrossAttentionInputs {
        if (slots.length == 0 || visible.length == 0) {
            throw new IllegalArgumentException("cross-attention inputs need at least one image and one row");
        }
    }

    public CrossAttentionInputs(ImageKvCache cache, int[] slots, int tiles, boolean[][] visible) {
        this(cache, slots, tiles, visible, bases(cache, slots));
    }

    private static long[][] bases(ImageKvCache cache, int[] slots) {
        long[][] b = new long[cache.layout().layers()][slots.length];
        for (int l = 0; l < b.length; l++) {
            for (int i = 0; i < slots.length; i++) {
                b[l][i] = cache.base(slots[i], l);
            }
        }
        return b;
    }

    /**
     * From a dense {@code cross_attention_mask} of one sequence ({@code [rows × images × tiles]}, 1 = visible),
     * as the processor builds it.
     */
    public static CrossAttentionInputs of(ImageKvCache cache, int[] slots, int tiles, long[] mask, int rows) {
        int per = slots.length * tiles;
        if (mask.length != rows * per) {
            throw new IllegalArgumentException("cross_attention_mask has " + mask.length + " values, expected "
                    + rows + " × " + slots.length + " × " + tiles);
        }
        boolean[][] visible = new boolean[rows][];
        for (int r = 0; r < rows; r++) {
            boolean any = false;
            boolean[] row = new boolean[per];
            for (int i = 0; i < per; i++) {
                row[i] = mask[r * per + i] != 0;
                any |= row[i];
            }
            visible[r] = any ? row : null;
        }
        return new CrossAttentionInputs(cache, slots, tiles, visible);
    }

    /** The visible tiles of the token at {@code position}, or null when it sees none. */
    public boolean[] row(int position) {
        return visible[Math.min(position, visible.length - 1)];
    }
}
