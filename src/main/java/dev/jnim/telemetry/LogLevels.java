package dev.jnim.telemetry;

import ch.qos.logback.classic.Level;
import dev.jnim.config.LogLevel;

/** Maps {@code NIM_LOG_LEVEL} onto Logback and Logback's levels onto Python's names. */
final class LogLevels {

    private LogLevels() {
    }

    /** Python logging's level names, which NIM's lines use. */
    static String pythonName(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "ERROR";
            case Level.WARN_INT -> "WARNING";
            case Level.INFO_INT -> "INFO";
            case Level.DEBUG_INT -> "DEBUG";
            default -> "TRACE";
        };
    }

    /** Level of jnim's own loggers. */
    static Level jnim(LogLevel l) {
        return switch (l) {
            case DEFAULT, INFO -> Level.INFO;
            case TRACE -> Level.TRACE;
            case DEBUG -> Level.DEBUG;
            case WARNING -> Level.WARN;
            case ERROR, CRITICAL -> Level.ERROR;
        };
    }

    /** Level of third-party libraries: quieter by default, everything at TRACE. */
    static Level libraries(LogLevel l) {
        return switch (l) {
            case DEFAULT -> Level.WARN;
            default -> jnim(l);
        };
    }
}
