package dev.jnim.config;

/**
 * {@code NIM_LOG_LEVEL} values, as NIM documents them. {@code DEFAULT} means INFO for jnim and a
 * quieter level for libraries; {@code CRITICAL} maps to ERROR in SLF4J, which has nothing above it.
 */
public enum LogLevel {
    DEFAULT, TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL
}
