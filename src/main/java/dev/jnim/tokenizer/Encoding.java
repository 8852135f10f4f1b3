package dev.jnim.tokenizer;

/**
 * One encoded text: ids, their vocabulary strings and their {@code [start, end)} spans in UTF-16 code
 * units of the input (Java {@code String} indices). Tokens added by the post-processor get {@code [0, 0]}.
 */
public record Encoding(int[] ids, String[] tokens, int[] starts, int[] ends) {

    /** Number of tokens. */
    public int size() {
        return ids.length;
    }
}
