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
        String s = value instanceof String str ? quote(str) : String.valueOf(value);
        return s.length() > MAX ? s.substring(0, MAX) + "…(" + s.length() + " chars)" : s;
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
