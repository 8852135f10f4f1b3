package dev.jnim.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code tojson} filter as transformers defines it: Python
 * {@code json.dumps(x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)} —
 * non-ASCII kept, key order kept, {@code ", "}/{@code ": "} separators ({@code ","} between items when
 * indenting), floats as Python prints them.
 */
public final class Json {

    private final String indent;
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean sortKeys;

    private Json(Integer indent, String itemSeparator, String keySeparator, boolean sortKeys) {
        this.indent = indent == null ? null : " ".repeat(indent);
        this.itemSeparator = itemSeparator;
        this.keySeparator = keySeparator;
        this.sortKeys = sortKeys;
    }

    static String dumps(Object value, Object indent, Object separators, boolean sortKeys) {
        Integer ind = indent == null ? null : (int) Values.toLong(indent);
        String item = ind == null ? ", " : ",";
        String key = ": ";
        if (separators instanceof List<?> seps && seps.size() == 2) {
            item = Values.str(seps.get(0));
            key = Values.str(seps.get(1));
        }
        StringBuilder b = new StringBuilder();
        new Json(ind, item, key, sortKeys).write(value, b, 0);
        return b.toString();
    }

    private void write(Object v, StringBuilder b, int level) {
        switch (v) {
            case null -> b.append("null");
            case Boolean bool -> b.append(bool ? "true" : "false");
            case Long l -> b.append(l);
            case Double d -> b.append(d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity")
                    : Values.formatFloat(d));
            case String s -> string(s, b);
            case List<?> l -> {
                if (l.isEmpty()) {
                    b.append("[]");
                    return;
                }
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        b.append(itemSeparator);
                    }
                    newline(b, level + 1);
                    write(l.get(i), b, level + 1);
                }
                newline(b, level);
                b.append(']');
            }
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    b.append("{}");
                    return;
                }
                List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
                if (sortKeys) {
                    entries.sort((x, y) -> Values.compare(x.getKey(), y.getKey()));
                }
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : entries) {
                    if (!first) {
                        b.append(itemSeparator);
                    }
                    first = false;
                    newline(b, level + 1);
                    string(key(e.getKey()), b);
                    b.append(keySeparator);
                    write(e.getValue(), b, level + 1);
                }
                newline(b, level);
                b.append('}');
            }
            default -> throw JinjaException.runtime("TypeError: Object of type " + Values.typeName(v)
                    + " is not JSON serializable");
        }
    }

    private static String key(Object k) {
        return switch (k) {
            case String s -> s;
            case null -> "null";
            case Boolean b -> b ? "true" : "false";
            case Long l -> l.toString();
            case Double d -> Values.formatFloat(d);
            default -> throw JinjaException.runtime("TypeError: keys must be str, int, float, bool or None, not "
                    + Values.typeName(k));
        };
    }

    private void newline(StringBuilder b, int level) {
        if (indent != null) {
            b.append('\n');
            b.append(indent.repeat(level));
        }
    }

    /** {@code s} as a JSON string literal, escaped as Python's {@code json} does with {@code ensure_ascii=False}. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        string(s, b);
        return b.toString();
    }

    /** Python {@code json} string escaping with {@code ensure_ascii=False}. */
    static void string(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
