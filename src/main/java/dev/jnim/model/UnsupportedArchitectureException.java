package dev.jnim.model;

import java.util.Set;

/** {@code architectures[0]} names a model jnim cannot run; the message lists those it can. */
public final class UnsupportedArchitectureException extends ModelException {

    private final String architecture;

    public UnsupportedArchitectureException(String architecture, Set<String> supported) {
        super("unsupported architecture: " + architecture + " (supported: " + String.join(", ", supported) + ")");
        this.architecture = architecture;
    }

    public String architecture() {
        return architecture;
    }
}
