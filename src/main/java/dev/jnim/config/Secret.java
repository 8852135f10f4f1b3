package dev.jnim.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A credential ({@code NGC_API_KEY}, {@code HF_TOKEN}). Its {@link #toString()} never shows the value,
 * so a secret that slips into a log line or an exception message prints as a mask. Only code that
 * builds an HTTP header calls {@link #reveal()}.
 */
public final class Secret {

    /** No credential configured. */
    public static final Secret NONE = new Secret(null);

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** Wraps a value; blank means {@link #NONE}. */
    public static Secret of(String value) {
        return value == null || value.isBlank() ? NONE : new Secret(value.strip());
    }

    public boolean isPresent() {
        return value != null;
    }

    /** The raw value, for an Authorization header; never log it. */
    public Optional<String> reveal() {
        return Optional.ofNullable(value);
    }

    /** {@code <set>} or {@code <unset>}: what a startup summary prints. */
    public String masked() {
        return value == null ? "<unset>" : "<set>";
    }

    @Override
    public String toString() {
        return masked();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && Objects.equals(value, s.value);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(value);
    }
}
