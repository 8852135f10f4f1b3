package dev.jnim.tokenizer;

/**
 * A model's tokenizer together with its {@code tokenizer_config.json} (chat templates, special-token
 * strings). Close it to free the native tokenizer.
 */
public record LoadedTokenizer(Tokenizer tokenizer, TokenizerConfig config) implements AutoCloseable {

    @Override
    public void close() {
        tokenizer.close();
    }
}
