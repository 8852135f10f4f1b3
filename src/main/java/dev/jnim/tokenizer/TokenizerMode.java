package dev.jnim.tokenizer;

/**
 * How to tokenize, as {@code NIM_TOKENIZER_MODE} asks (parsed and validated by the config room's
 * {@code Settings}): {@code AUTO} uses the model's {@code tokenizer.json}; {@code SLOW} is
 * accepted for NIM compatibility, but jnim has no slow (Python) tokenizers and uses the fast one.
 */
public enum TokenizerMode {
    AUTO,
    SLOW;

    /** Name of the environment variable this value comes from. */
    public static final String ENV = "NIM_TOKENIZER_MODE";
}
