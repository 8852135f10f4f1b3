package dev.jnim.tokenizer;

/** Formats one expected-vs-actual difference of a golden case, with strings escaped and long values cut. */
final class CaseMismatch {

    private static final int MAX = 300;

    private CaseMismatch() {
    }

    static String describe(String field, Object expected, Object actual) {
        return field + ": expected " + show(expected) + " but was " + show(actual);
    }

    private static String show(Object value) {
        String s = value instanceof String str ? dev.jnim.tokenizer.jinja.Json.quote(str) : String.valueOf(value);
        return s.length() > MAX ? s.substring(0, MAX) + "…(" + s.length() + " chars)" : s;
    }

}
