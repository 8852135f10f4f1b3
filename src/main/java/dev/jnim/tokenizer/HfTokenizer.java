package dev.jnim.tokenizer;

import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.util.OptionalInt;

/**
 * A {@code tokenizer.json} run by the Hugging Face Rust tokenizers through DJL's JNI binding. jnim calls
 * the JNI layer directly, not DJL's {@code HuggingFaceTokenizer}, because that wrapper adds its own
 * behaviour on top (prefix space, lower-casing, truncation to the model length, space clean-up) that
 * would make ids differ from the reference. Thread-safe: the Rust tokenizer is immutable after creation.
 */
final class HfTokenizer implements Tokenizer {

    private final long handle;
    private final Vocabulary vocabulary;
    private final SpecialTokens specialTokens;
    private final boolean cleanUpSpaces;
    private volatile boolean closed;

    HfTokenizer(long handle, Vocabulary vocabulary, SpecialTokens specialTokens, boolean cleanUpSpaces) {
        this.handle = handle;
        this.vocabulary = vocabulary;
        this.specialTokens = specialTokens;
        this.cleanUpSpaces = cleanUpSpaces;
    }

    /** Creates the native tokenizer from {@code tokenizer.json}'s text, with no padding and no truncation. */
    static long createNative(String json, String source) {
        NativeLibrary.configure(null);
        long handle;
        try {
            handle = TokenizersLibrary.LIB.createTokenizerFromString(json);
        } catch (RuntimeException e) {
            throw new TokenizerException(source + ": the tokenizers library rejected it: " + e.getMessage(), e);
        }
        // A tokenizer.json may carry padding/truncation settings; a server wants every token.
        TokenizersLibrary.LIB.disablePadding(handle);
        TokenizersLibrary.LIB.disableTruncation(handle);
        return handle;
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        long encoding = nativeEncode(text, addSpecialTokens);
        try {
            return toInts(TokenizersLibrary.LIB.getTokenIds(encoding));
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    @Override
    public Encoding encodeDetailed(String text, boolean addSpecialTokens) {
        long encoding = nativeEncode(text, addSpecialTokens);
        try {
            int[] ids = toInts(TokenizersLibrary.LIB.getTokenIds(encoding));
            String[] tokens = TokenizersLibrary.LIB.getTokens(encoding);
            CharSpan[] spans = TokenizersLibrary.LIB.getTokenCharSpans(encoding);
            int[] starts = new int[ids.length];
            int[] ends = new int[ids.length];
            // The native spans count code points; Java indices count UTF-16 units.
            int[] utf16 = text.length() == text.codePointCount(0, text.length()) ? null : codePointToUtf16(text);
            for (int i = 0; i < ids.length; i++) {
                CharSpan span = spans[i];
                int start = span == null ? 0 : span.getStart();
                int end = span == null ? 0 : span.getEnd();
                starts[i] = utf16 == null ? start : utf16[start];
                ends[i] = utf16 == null ? end : utf16[end];
            }
            return new Encoding(ids, tokens, starts, ends);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    private long nativeEncode(String text, boolean addSpecialTokens) {
        ensureOpen();
        return TokenizersLibrary.LIB.encode(handle, text, addSpecialTokens);
    }

    @Override
    public String decode(int[] ids, int from, int to, boolean skipSpecialTokens) {
        ensureOpen();
        long[] wide = new long[to - from];
        for (int i = from; i < to; i++) {
            wide[i - from] = ids[i];
        }
        return TokenizersLibrary.LIB.decode(handle, wide, skipSpecialTokens);
    }

    @Override
    public String idToToken(int id) {
        return vocabulary.token(id);
    }

    @Override
    public OptionalInt tokenToId(String token) {
        return vocabulary.id(token);
    }

    @Override
    public int vocabSize() {
        return vocabulary.size();
    }

    @Override
    public boolean isSpecial(int id) {
        return vocabulary.isSpecial(id);
    }

    @Override
    public SpecialTokens specialTokens() {
        return specialTokens;
    }

    @Override
    public boolean cleanUpTokenizationSpaces() {
        return cleanUpSpaces;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            TokenizersLibrary.LIB.deleteTokenizer(handle);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("tokenizer is closed");
        }
    }

    /** {@code map[k]} = UTF-16 index of code point {@code k}; {@code map[count]} = length. */
    private static int[] codePointToUtf16(String text) {
        int[] map = new int[text.codePointCount(0, text.length()) + 1];
        int k = 0;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            map[k++] = i;
        }
        map[k] = text.length();
        return map;
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }
}
