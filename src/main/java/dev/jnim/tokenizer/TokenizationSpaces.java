package dev.jnim.tokenizer;

/**
 * transformers' {@code clean_up_tokenization} (what Python {@code decode()} applies by default when the
 * config sets {@code clean_up_tokenization_spaces}): removes the space before punctuation and English
 * contractions, every occurrence, in this order.
 */
public final class TokenizationSpaces {

    private static final String[][] REPLACEMENTS = {
        {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"},
        {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"},
    };

    private TokenizationSpaces() {
    }

    /** Applies the clean-up to {@code text}. */
    public static String cleanUp(String text) {
        String out = text;
        for (String[] r : REPLACEMENTS) {
            out = out.replace(r[0], r[1]);
        }
        return out;
    }
}
