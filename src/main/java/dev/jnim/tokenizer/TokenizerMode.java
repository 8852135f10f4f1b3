package dev.jnim.tokenizer;

import java.util.Locale;

/**
 * {@code NIM_TOKENIZER_MODE}: {@code auto} (default) uses the model's {@code tokenizer.json}; {@code slow}
 * is accepted for NIM compatibility, but jnim has no slow (Python) tokenizers and uses the fast one.
 */
public enum TokenizerMode {
    AUTO,
    SLOW;

    /** Name of the environment variable this value comes from. */
    public static final String ENV = "NIM_TOKENIZER_MODE";

    /**
     * Parses a {@code NIM_TOKENIZER_MODE} value; null or blank means {@link #AUTO}.
     *
     * @throws IllegalArgumentException naming the variable and the accepted values
     */
    public static TokenizerMode parse(String value) {
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "slow" -> SLOW;
            default -> throw new IllegalArgumentException(
                    ENV + "='" + value + "' is not valid; accepted values: auto, slow");
        };
    }
}
