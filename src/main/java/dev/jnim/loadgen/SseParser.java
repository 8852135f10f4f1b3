package dev.jnim.loadgen;

import java.util.Optional;

/**
 * Incremental server-sent-events parser, fed one line at a time (line terminators already removed,
 * as {@link java.io.BufferedReader#readLine()} does for CRLF, LF and CR alike). Follows the WHATWG
 * "event stream interpretation": a blank line dispatches the event; lines starting with {@code ':'}
 * are comments (servers send them as keep-alives); {@code data:} lines accumulate, joined by
 * {@code '\n'}; one space after the colon is dropped; {@code id} and {@code retry} are ignored
 * (a load generator never reconnects); an event with no data is not dispatched. At end of stream
 * a pending event without its blank line is discarded, as the spec says: it was cut off.
 *
 * <p>Not thread-safe: one parser per response, used by the thread reading it.
 */
public final class SseParser {

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String type = "message";

    /** Feeds one line; returns the event it completes, if any. */
    public Optional<SseEvent> accept(String line) {
        if (line.isEmpty()) {
            return dispatch();
        }
        if (line.charAt(0) == ':') {
            return Optional.empty();
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> type = value.isEmpty() ? "message" : value;
            default -> { } // id, retry and unknown fields: nothing a load generator needs
        }
        return Optional.empty();
    }

    /** True when data lines were read whose event has not been dispatched yet. */
    public boolean hasPendingData() {
        return hasData;
    }

    private Optional<SseEvent> dispatch() {
        Optional<SseEvent> e = hasData ? Optional.of(new SseEvent(type, data.toString())) : Optional.empty();
        data.setLength(0);
        hasData = false;
        type = "message";
        return e;
    }
}
