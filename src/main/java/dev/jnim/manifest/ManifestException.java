package dev.jnim.manifest;

/** A manifest that cannot be read or is inconsistent (bad YAML, missing field, wrong profile id). */
public final class ManifestException extends RuntimeException {

    public ManifestException(String message) {
        super(message);
    }

    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
