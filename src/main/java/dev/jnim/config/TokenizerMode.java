package dev.jnim.config;

/** {@code NIM_TOKENIZER_MODE}: {@code auto} uses the fast tokenizer, {@code slow} the reference one. */
public enum TokenizerMode {
    AUTO, SLOW
}
