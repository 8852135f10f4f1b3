package dev.jnim.weights;

/** A weights file is unreadable, malformed, or lacks or mis-shapes a tensor; the message names both. */
public final class WeightsException extends RuntimeException {
    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
