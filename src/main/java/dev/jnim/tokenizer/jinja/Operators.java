package dev.jnim.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Python's arithmetic operators and {@code in}, with Python's type rules and TypeError messages. */
final class Operators {

    private Operators() {
    }

    static Object binary(String op, Object a, Object b) {
        if (a instanceof Undefined u) {
            throw u.fail();
        }
        if (b instanceof Undefined u) {
            throw u.fail();
        }
        return switch (op) {
            case "+" -> add(a, b);
            case "-" -> numeric(op, a, b);
            case "*" -> multiply(a, b);
            case "/" -> {
                checkNumbers(op, a, b);
                double d = Values.toDouble(b);
                if (d == 0) {
                    throw JinjaException.runtime("ZeroDivisionError: division by zero");
                }
                yield Values.toDouble(a) / d;
            }
            case "//", "%" -> {
                if (op.equals("%") && a instanceof String s) {
                    yield percentFormat(s, b);
                }
                yield numeric(op, a, b);
            }
            case "**" -> {
                checkNumbers(op, a, b);
                boolean ints = !(a instanceof Double) && !(b instanceof Double) && Values.toLong(b) >= 0;
                double r = Math.pow(Values.toDouble(a), Values.toDouble(b));
                yield ints ? (Object) (long) r : (Object) r;
            }
            default -> throw new IllegalStateException(op);
        };
    }

    static Object unary(String op, Object v) {
        if (op.equals("not")) {
            return !Values.truthy(v);
        }
        if (v instanceof Undefined u) {
            throw u.fail();
        }
        if (!Values.isNumber(v)) {
            throw JinjaException.runtime("TypeError: bad operand type for unary " + op + ": '" + Values.typeName(v) + "'");
        }
        if (op.equals("+")) {
            return v instanceof Boolean ? Values.toLong(v) : v;
        }
        return v instanceof Double d ? (Object) (-d) : (Object) (-Values.toLong(v));
    }

    private static Object add(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return x + y;
        }
        if (a instanceof List<?> x && b instanceof List<?> y && (a instanceof Tuple) == (b instanceof Tuple)) {
            List<Object> out = new ArrayList<>(x);
            out.addAll(y);
            return a instanceof Tuple ? new Tuple(out) : out;
        }
        if (Values.isNumber(a) && Values.isNumber(b)) {
            return numeric("+", a, b);
        }
        if (a instanceof String) {
            throw JinjaException.runtime("TypeError: can only concatenate str (not \"" + Values.typeName(b) + "\") to str");
        }
        if (a instanceof List<?> && !(a instanceof Tuple)) {
            throw JinjaException.runtime("TypeError: can only concatenate list (not \"" + Values.typeName(b) + "\") to list");
        }
        throw unsupported("+", a, b);
    }

    private static Object multiply(Object a, Object b) {
        if (a instanceof String s && (b instanceof Long || b instanceof Boolean)) {
            return s.repeat((int) Math.max(0, Values.toLong(b)));
        }
        if (b instanceof String s && (a instanceof Long || a instanceof Boolean)) {
            return s.repeat((int) Math.max(0, Values.toLong(a)));
        }
        if (a instanceof List<?> l && (b instanceof Long || b instanceof Boolean)) {
            List<Object> out = new ArrayList<>();
            for (long i = 0; i < Values.toLong(b); i++) {
                out.addAll(l);
            }
            return out;
        }
        return numeric("*", a, b);
    }

    private static Object numeric(String op, Object a, Object b) {
        checkNumbers(op, a, b);
        if (a instanceof Double || b instanceof Double) {
            double x = Values.toDouble(a);
            double y = Values.toDouble(b);
            return switch (op) {
                case "+" -> x + y;
                case "-" -> x - y;
                case "*" -> x * y;
                case "//" -> Math.floor(x / nonZero(y));
                case "%" -> x - Math.floor(x / nonZero(y)) * y;
                default -> throw new IllegalStateException(op);
            };
        }
        long x = Values.toLong(a);
        long y = Values.toLong(b);
        return switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "//" -> Math.floorDiv(x, (long) nonZero(y));
            case "%" -> Math.floorMod(x, (long) nonZero(y));
            default -> throw new IllegalStateException(op);
        };
    }

    private static double nonZero(double y) {
        if (y == 0) {
            throw JinjaException.runtime("ZeroDivisionError: division by zero");
        }
        return y;
    }

    private static void checkNumbers(String op, Object a, Object b) {
        if (!Values.isNumber(a) || !Values.isNumber(b)) {
            throw unsupported(op, a, b);
        }
    }

    private static JinjaException unsupported(String op, Object a, Object b) {
        return JinjaException.runtime("TypeError: unsupported operand type(s) for " + op + ": '"
                + Values.typeName(a) + "' and '" + Values.typeName(b) + "'");
    }

    /** {@code '%s and %d' % args} for the conversions chat templates use. */
    private static String percentFormat(String fmt, Object args) {
        List<Object> values = args instanceof Tuple t ? t : List.of(args == null ? "None" : args);
        StringBuilder b = new StringBuilder();
        int next = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                b.append(c);
                continue;
            }
            char conv = fmt.charAt(++i);
            if (conv == '%') {
                b.append('%');
                continue;
            }
            Object v = values.get(next++);
            b.append(switch (conv) {
                case 's' -> Values.str(v);
                case 'r' -> Values.repr(v);
                case 'd', 'i' -> Long.toString(Values.toLong(v));
                default -> throw JinjaException.runtime("ValueError: unsupported format character '" + conv + "'");
            });
        }
        return b.toString();
    }

    /** Python {@code needle in haystack}. */
    static boolean contains(Object haystack, Object needle) {
        return switch (haystack) {
            case String s -> {
                if (!(needle instanceof String n)) {
                    throw JinjaException.runtime("TypeError: 'in <string>' requires string as left operand, not "
                            + Values.typeName(needle));
                }
                yield s.contains(n);
            }
            case List<?> l -> l.stream().anyMatch(x -> Values.pyEquals(x, needle));
            case Map<?, ?> m -> m.containsKey(needle)
                    || (needle instanceof Boolean bool && m.containsKey(bool ? 1L : 0L));
            case Undefined u -> false;
            case null, default -> throw JinjaException.runtime("TypeError: argument of type '" + Values.typeName(haystack)
                    + "' is not iterable");
        };
    }
}
