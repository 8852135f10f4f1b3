package dev.jnim.engine;

/**
 * Prompt positions {@code [start, start + length)} filled by one image's embeddings, and the
 * image's content hash: blocks overlapping the span hash it in, so two different images never
 * share cached KV.
 */
public record ImageSpan(int start, int length, long contentHash) {
    public ImageSpan {
        if (start < 0 || length <= 0) {
            throw new IllegalArgumentException("bad image span " + start + "+" + length);
        }
    }
}
