package dev.jnim.tokenizer.jinja;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python value semantics for template values: truthiness, {@code str()}, {@code repr()}, equality and
 * ordering. Values are null (None), Boolean, Long (int), Double (float), String, List (list; {@link Tuple}
 * for tuples), Map (dict, insertion-ordered), {@link Namespace}, {@link Undefined}, {@link JinjaCallable}.
 */
final class Values {

    private Values() {
    }

    /** Converts caller-supplied Java values (Jackson trees, Integer, arrays...) into template values. */
    static Object fromJava(Object v) {
        return switch (v) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case BigInteger b -> b.longValue();
            case Double d -> d;
            case Float f -> (double) f;
            case BigDecimal d -> d.doubleValue();
            case Map<?, ?> m -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                m.forEach((k, val) -> out.put(fromJava(k), fromJava(val)));
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>(l.size());
                l.forEach(x -> out.add(fromJava(x)));
                yield out;
            }
            case Object[] a -> fromJava(java.util.Arrays.asList(a));
            case JsonNode n -> fromJson(n);
            case Character c -> c.toString();
            default -> v;
        };
    }

    /** A Jackson tree (e.g. a request body's {@code messages}) as template values. */
    private static Object fromJson(JsonNode n) {
        return switch (n.getNodeType()) {
            case NULL, MISSING -> null;
            case BOOLEAN -> n.booleanValue();
            case NUMBER -> n.isIntegralNumber() ? (Object) n.longValue() : (Object) n.doubleValue();
            case STRING -> n.textValue();
            case ARRAY -> {
                List<Object> out = new ArrayList<>(n.size());
                n.forEach(x -> out.add(fromJson(x)));
                yield out;
            }
            case OBJECT -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                n.properties().forEach(e -> out.put(e.getKey(), fromJson(e.getValue())));
                yield out;
            }
            default -> n.asText();
        };
    }

    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0.0;
            case String s -> !s.isEmpty();
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            case Undefined u -> false;
            default -> true;
        };
    }

    static String typeName(Object v) {
        return switch (v) {
            case null -> "NoneType";
            case Boolean b -> "bool";
            case Long l -> "int";
            case Double d -> "float";
            case String s -> "str";
            case Tuple t -> "tuple";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case Namespace n -> "Namespace";
            case Undefined u -> "Undefined";
            default -> "function";
        };
    }

    /** Python {@code str(v)} (Jinja2 prints values this way; undefined prints as empty). */
    static String str(Object v) {
        return switch (v) {
            case null -> "None";
            case String s -> s;
            case Undefined u -> "";
            default -> repr(v);
        };
    }

    /** Python {@code repr(v)}: strings quoted, containers as {@code ['a', 1]} and {@code {'k': 'v'}}. */
    static String repr(Object v) {
        StringBuilder b = new StringBuilder();
        repr(v, b);
        return b.toString();
    }

    private static void repr(Object v, StringBuilder b) {
        switch (v) {
            case null -> b.append("None");
            case Boolean bool -> b.append(bool ? "True" : "False");
            case Long l -> b.append(l);
            case Double d -> b.append(formatFloat(d));
            case String s -> reprString(s, b);
            case Tuple t -> {
                b.append('(');
                for (int i = 0; i < t.size(); i++) {
                    if (i > 0) {
                        b.append(", ");
                    }
                    repr(t.get(i), b);
                }
                b.append(t.size() == 1 ? ",)" : ")");
            }
            case List<?> l -> {
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        b.append(", ");
                    }
                    repr(l.get(i), b);
                }
                b.append(']');
            }
            case Map<?, ?> m -> {
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        b.append(", ");
                    }
                    first = false;
                    repr(e.getKey(), b);
                    b.append(": ");
                    repr(e.getValue(), b);
                }
                b.append('}');
            }
            case Undefined u -> b.append("Undefined");
            case Namespace n -> b.append("<Namespace ").append(repr(n.attributes)).append('>');
            default -> b.append("<function>");
        }
    }

    /** Python's string repr: single quotes unless the text has ' and no ". */
    private static void reprString(String s, StringBuilder b) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        b.append(quote);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (cp == quote) {
                        b.append('\\').appendCodePoint(cp);
                    } else if (isPrintable(cp)) {
                        b.appendCodePoint(cp);
                    } else if (cp < 0x100) {
                        b.append(String.format("\\x%02x", cp));
                    } else if (cp < 0x10000) {
                        b.append(String.format("\\u%04x", cp));
                    } else {
                        b.append(String.format("\\U%08x", cp));
                    }
                }
            }
        }
        b.append(quote);
    }

    /** Python's {@code str.isprintable} per code point: not a control, format, separator (but space) or unassigned. */
    private static boolean isPrintable(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Python {@code repr(float)}: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
    static String formatFloat(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale(); // decimal exponent of the first digit
        String sign = d < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        String plain = exact.abs().toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    /** Python {@code ==}: numbers across int/float/bool, containers element-wise. */
    static boolean pyEquals(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (isNumber(a) && isNumber(b)) {
            return (a instanceof Double || b instanceof Double)
                    ? toDouble(a) == toDouble(b) : toLong(a) == toLong(b);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size() || (a instanceof Tuple) != (b instanceof Tuple)) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!pyEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !pyEquals(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** Python ordering ({@code <}) of numbers, strings (by code point) and lists. */
    static int compare(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) {
            return (a instanceof Double || b instanceof Double)
                    ? Double.compare(toDouble(a), toDouble(b)) : Long.compare(toLong(a), toLong(b));
        }
        if (a instanceof String x && b instanceof String y) {
            return compareCodePoints(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                if (!pyEquals(x.get(i), y.get(i))) {
                    return compare(x.get(i), y.get(i));
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        if (a instanceof Undefined u) {
            throw u.fail();
        }
        if (b instanceof Undefined u) {
            throw u.fail();
        }
        throw JinjaException.runtime("TypeError: '<' not supported between instances of '"
                + typeName(a) + "' and '" + typeName(b) + "'");
    }

    private static int compareCodePoints(String x, String y) {
        Iterator<Integer> i = x.codePoints().iterator();
        Iterator<Integer> j = y.codePoints().iterator();
        while (i.hasNext() && j.hasNext()) {
            int c = Integer.compare(i.next(), j.next());
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(i.hasNext(), j.hasNext());
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    static long toLong(Object v) {
        return switch (v) {
            case Long l -> l;
            case Double d -> d.longValue();
            case Boolean b -> b ? 1 : 0;
            case null, default -> throw JinjaException.runtime("TypeError: expected a number, got '" + typeName(v) + "'");
        };
    }

    static double toDouble(Object v) {
        return switch (v) {
            case Long l -> l;
            case Double d -> d;
            case Boolean b -> b ? 1 : 0;
            case null, default -> throw JinjaException.runtime("TypeError: expected a number, got '" + typeName(v) + "'");
        };
    }

    /** Python iteration: lists, dict keys, string characters; undefined iterates as empty. */
    static List<Object> iterate(Object v) {
        return switch (v) {
            case List<?> l -> new ArrayList<>(l);
            case Map<?, ?> m -> new ArrayList<>(m.keySet());
            case String s -> {
                List<Object> chars = new ArrayList<>(s.length());
                s.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
                yield chars;
            }
            case Undefined u -> List.of();
            case null, default -> throw JinjaException.runtime("TypeError: '" + typeName(v) + "' object is not iterable");
        };
    }

    /** Python {@code len()}. */
    static long length(Object v) {
        return switch (v) {
            case String s -> s.codePointCount(0, s.length());
            case List<?> l -> l.size();
            case Map<?, ?> m -> m.size();
            case Undefined u -> 0;
            case null, default -> throw JinjaException.runtime("TypeError: object of type '" + typeName(v) + "' has no len()");
        };
    }
}
