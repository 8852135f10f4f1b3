package dev.jnim.manifest;

/** No profile can be used: an unknown {@code NIM_MODEL_PROFILE}, an incompatible one, or none fits. */
public final class ProfileSelectionException extends RuntimeException {

    public ProfileSelectionException(String message) {
        super(message);
    }
}
