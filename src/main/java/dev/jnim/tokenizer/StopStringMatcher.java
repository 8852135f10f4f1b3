package dev.jnim.tokenizer;

import java.util.List;

/**
 * Finds stop strings in streamed text. Text that could still be the start of a stop string is held
 * back until the next delta decides it; the stop string itself and everything after it are never
 * emitted (OpenAI / vLLM semantics with {@code include_stop_str_in_output=false}). A stop split across
 * tokens is found because matching runs on the held text plus the new delta.
 *
 * <p>One instance per sequence; not thread-safe (owned by the engine thread).
 */
public final class StopStringMatcher {

    private final String[] stops;
    private final StringBuilder held = new StringBuilder();
    private String matched;

    public StopStringMatcher(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    /** Adds a delta; returns the text that is safe to emit now (empty when all of it is held or after a stop). */
    public String push(String delta) {
        if (matched != null) {
            return "";
        }
        if (stops.length == 0) {
            return delta;
        }
        held.append(delta);
        int stopAt = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (stopAt < 0 || at < stopAt)) {
                stopAt = at;
                matched = stop;
            }
        }
        if (stopAt >= 0) {
            String out = held.substring(0, stopAt);
            held.setLength(0);
            return out;
        }
        int keep = longestPartialSuffix();
        int emit = held.length() - keep;
        if (emit == 0) {
            return "";
        }
        String out = held.substring(0, emit);
        held.delete(0, emit);
        return out;
    }

    /** At the end of generation: the held text, which turned out not to be a stop string. */
    public String flush() {
        if (matched != null) {
            return "";
        }
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    /** True once a stop string was found; generation should end. */
    public boolean stopped() {
        return matched != null;
    }

    /** The stop string that was found, or null. */
    public String matchedStop() {
        return matched;
    }

    /** Length of the longest suffix of the held text that is a proper prefix of some stop string. */
    private int longestPartialSuffix() {
        int best = 0;
        int len = held.length();
        for (String stop : stops) {
            int max = Math.min(stop.length() - 1, len);
            for (int k = max; k > best; k--) {
                if (regionMatches(len - k, stop, k)) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }

    private boolean regionMatches(int from, String stop, int k) {
        for (int i = 0; i < k; i++) {
            if (held.charAt(from + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
