package dev.jnim.model;

/** A model cannot be loaded or run: bad config, unsupported architecture, inconsistent weights. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
