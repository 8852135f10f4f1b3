package dev.jnim.vision;

/**
 * An image could not be accepted: its bytes are not a supported image, it breaks a configured limit, or the
 * image processor rejects it. The message says which rule and why; {@link #referenceError()} gives the
 * exception the Hugging Face reference raises for the same input, where there is one.
 */
public final class ImageException extends RuntimeException {

    private final String referenceType;

    public ImageException(String message) {
        this(message, (String) null);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
        this.referenceType = null;
    }

    private ImageException(String message, String referenceType) {
        super(message);
        this.referenceType = referenceType;
    }

    /** An error the reference raises as a Python {@code ValueError} with exactly this message. */
    public static ImageException valueError(String message) {
        return new ImageException(message, "ValueError");
    }

    /** {@code "ValueError: <message>"} as the reference prints it, or the plain message when there is no counterpart. */
    public String referenceError() {
        return referenceType == null ? getMessage() : referenceType + ": " + getMessage();
    }
}
