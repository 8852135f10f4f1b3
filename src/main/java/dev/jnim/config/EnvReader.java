package dev.jnim.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Typed, validating reads of one environment map. Each read throws a {@link SettingsException} whose
 * message names the variable, the value and what is accepted. A blank value counts as unset, as
 * {@code docker run -e NAME=} is the usual way to "unset" a variable in a deployment file.
 */
final class EnvReader {

    private final Map<String, String> env;

    EnvReader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The value with surrounding blanks removed, or empty when unset or blank. */
    Optional<String> string(EnvVar v) {
        String raw = env.get(v.name());
        return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw.strip());
    }

    /** The raw value, keeping an empty string distinct from unset (CUDA_VISIBLE_DEVICES= means "no GPU"). */
    Optional<String> raw(EnvVar v) {
        return Optional.ofNullable(env.get(v.name())).map(String::strip);
    }

    String stringOr(EnvVar v) {
        return string(v).orElse(v.defaultValue());
    }

    /** NIM flags are 0/1; true/false are accepted too. */
    boolean flag(EnvVar v) {
        String s = stringOr(v);
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw SettingsException.invalid(v, s, "0 or 1");
        };
    }

    int intIn(EnvVar v, int min, int max) {
        return checkedInt(v, stringOr(v), min, max);
    }

    OptionalInt optionalIntAtLeast(EnvVar v, int min) {
        return string(v).map(s -> OptionalInt.of(checkedInt(v, s, min, Integer.MAX_VALUE))).orElse(OptionalInt.empty());
    }

    long longAtLeast(EnvVar v, long min) {
        String s = stringOr(v);
        long value;
        try {
            value = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw SettingsException.invalid(v, s, "an integer >= " + min);
        }
        if (value < min) {
            throw SettingsException.invalid(v, s, "an integer >= " + min);
        }
        return value;
    }

    /** A number in (0, 1]: NIM_KVCACHE_PERCENT is a fraction despite its name (default 0.9). */
    double fraction(EnvVar v) {
        String s = stringOr(v);
        double d = parseDouble(v, s, "a number in (0, 1]");
        if (!(d > 0 && d <= 1)) {
            throw SettingsException.invalid(v, s, "a number in (0, 1]");
        }
        return d;
    }

    OptionalDouble optionalPositive(EnvVar v) {
        Optional<String> s = string(v);
        if (s.isEmpty()) {
            return OptionalDouble.empty();
        }
        double d = parseDouble(v, s.get(), "a number > 0");
        if (!(d > 0) || Double.isInfinite(d)) {
            throw SettingsException.invalid(v, s.get(), "a number > 0");
        }
        return OptionalDouble.of(d);
    }

    <E extends Enum<E>> E enumOf(EnvVar v, Class<E> type) {
        String s = stringOr(v);
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(s)) {
                return e;
            }
        }
        String accepted = Arrays.stream(type.getEnumConstants()).map(e -> e.name()).collect(Collectors.joining(", "));
        throw SettingsException.invalid(v, s, "one of " + accepted);
    }

    /** An absolute http(s) URL; trailing slashes are dropped so callers can append paths. */
    Optional<URI> httpUrl(EnvVar v) {
        Optional<String> s = string(v).or(() -> v.defaultValue().isEmpty() ? Optional.empty() : Optional.of(v.defaultValue()));
        if (s.isEmpty()) {
            return Optional.empty();
        }
        String text = s.get();
        try {
            URI uri = new URI(text.replaceAll("/+$", ""));
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw SettingsException.invalid(v, text, "an http:// or https:// URL");
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            throw SettingsException.invalid(v, text, "an http:// or https:// URL");
        }
    }

    Optional<Path> path(EnvVar v) {
        Optional<String> s = string(v);
        try {
            return s.map(Path::of);
        } catch (InvalidPathException e) {
            throw SettingsException.invalid(v, s.orElse(""), "a file system path");
        }
    }

    Path pathOr(EnvVar v) {
        return path(v).orElseGet(() -> Path.of(v.defaultValue()));
    }

    /** Comma-separated, blanks dropped, order kept. */
    List<String> list(EnvVar v) {
        return string(v).map(s -> Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList())
                .orElse(List.of());
    }

    private static int checkedInt(EnvVar v, String s, int min, int max) {
        String accepted = max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer from " + min + " to " + max;
        int value;
        try {
            value = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw SettingsException.invalid(v, s, accepted);
        }
        if (value < min || value > max) {
            throw SettingsException.invalid(v, s, accepted);
        }
        return value;
    }

    private static double parseDouble(EnvVar v, String s, String accepted) {
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d)) {
                throw SettingsException.invalid(v, s, accepted);
            }
            return d;
        } catch (NumberFormatException e) {
            throw SettingsException.invalid(v, s, accepted);
        }
    }
}
