package dev.jnim.loadgen;

/** Why a request failed. Every failure is counted under one kind; none stops the run. */
public enum ErrorKind {
    /** The server answered with a status other than 200 (the label carries the status). */
    HTTP_STATUS,
    /** A 200 answer whose body, or one of whose events, is an error object. */
    ERROR_BODY,
    /** The request did not finish within {@code --timeout-s} (or the run's remaining time). */
    TIMEOUT,
    /** The stream ended, or the connection broke, before {@code [DONE]} or a finish reason. */
    BROKEN_STREAM,
    /** The body is not a stream of JSON chunks (bad JSON, not an event stream). */
    MALFORMED,
    /** No answer at all: connection refused or reset before the response headers. */
    CONNECTION;

    /** The label used in tables and JSON, e.g. {@code http_500}, {@code timeout}. */
    public String label(int httpStatus) {
        return this == HTTP_STATUS ? "http_" + httpStatus : name().toLowerCase();
    }
}
