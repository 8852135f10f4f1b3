package dev.jnim.config;

/**
 * A configuration value jnim cannot accept. The message is one line naming the variable, the value
 * and what is accepted; the CLI prints it and exits with status 2.
 */
public final class SettingsException extends RuntimeException {

    private final String variable;

    public SettingsException(String variable, String message) {
        super(message);
        this.variable = variable;
    }

    /** Builds the standard message: {@code Invalid NAME='value': expected ...}. */
    static SettingsException invalid(EnvVar variable, String value, String accepted) {
        return new SettingsException(variable.name(),
                "Invalid " + variable.name() + "='" + value + "': expected " + accepted);
    }

    /** The variable at fault. */
    public String variable() {
        return variable;
    }
}
