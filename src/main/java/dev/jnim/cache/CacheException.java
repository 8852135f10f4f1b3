package dev.jnim.cache;

/**
 * A model file that cannot be obtained: missing key, HTTP error, checksum mismatch, read-only cache
 * without the file. The message is one line that says what to do; it never contains a secret.
 */
public final class CacheException extends RuntimeException {

    public CacheException(String message) {
        super(message);
    }

    public CacheException(String message, Throwable cause) {
        super(message, cause);
    }
}
