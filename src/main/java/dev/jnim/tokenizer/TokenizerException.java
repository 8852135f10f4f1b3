package dev.jnim.tokenizer;

/** A model's tokenizer files are missing, unreadable or inconsistent; the message names the file and field. */
public final class TokenizerException extends RuntimeException {

    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
