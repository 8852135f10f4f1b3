package dev.jnim.loadgen;

/** A load run cannot start: the server is unreachable, or lists no model to use. */
public final class LoadgenException extends Exception {

    public LoadgenException(String message) {
        super(message);
    }

    public LoadgenException(String message, Throwable cause) {
        super(message, cause);
    }
}
