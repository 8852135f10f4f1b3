package dev.jnim.tokenizer;

/**
 * Turns generated ids, one at a time, into text deltas whose concatenation (plus {@link #finish()})
 * equals {@code decode(all ids)}. As vLLM's {@code detokenize_incrementally}: each step decodes only a
 * short window {@code ids[prefixOffset..]} and emits what it adds beyond {@code ids[prefixOffset..readOffset)};
 * decoding the window with one token of context keeps the SentencePiece leading-space rule (a decoder
 * {@code Strip} of the first space) and byte-level merges right. A window that ends in U+FFFD is an
 * incomplete UTF-8 sequence (byte-level or byte-fallback pieces) and is held back until completed.
 *
 * <p>One instance per sequence; not thread-safe (owned by the engine thread).
 */
public final class IncrementalDetokenizer {

    private static final char REPLACEMENT = '\uFFFD';

    private final Tokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private int[] ids = new int[64];
    private int count;
    private int prefixOffset;
    private int readOffset;
    private int emittedChars;
    private String prefixText = "";

    public IncrementalDetokenizer(Tokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Appends {@code id}; returns the text it completes (often empty while a character is incomplete). */
    public String add(int id) {
        if (count == ids.length) {
            ids = java.util.Arrays.copyOf(ids, count * 2);
        }
        ids[count++] = id;
        String newText = tokenizer.decode(ids, prefixOffset, count, skipSpecialTokens);
        if (newText.length() <= prefixText.length() || newText.charAt(newText.length() - 1) == REPLACEMENT) {
            return "";
        }
        String delta = newText.substring(prefixText.length());
        // The next window starts where this one's new text starts, so it carries one step of context.
        prefixText = tokenizer.decode(ids, readOffset, count, skipSpecialTokens);
        prefixOffset = readOffset;
        readOffset = count;
        emittedChars += delta.length();
        return delta;
    }

    /** Text still held back (an incomplete or invalid sequence at the end); call once, when the sequence ends. */
    public String finish() {
        String all = tokenizer.decode(ids, 0, count, skipSpecialTokens);
        String rest = all.length() > emittedChars ? all.substring(emittedChars) : "";
        emittedChars += rest.length();
        return rest;
    }

    /** Number of ids added so far. */
    public int tokenCount() {
        return count;
    }
}
