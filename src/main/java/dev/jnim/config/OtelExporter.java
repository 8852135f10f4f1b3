package dev.jnim.config;

/** {@code OTEL_TRACES_EXPORTER} / {@code OTEL_METRICS_EXPORTER} values jnim supports. */
public enum OtelExporter {
    CONSOLE, OTLP, NONE
}
