package dev.jnim.tokenizer.jinja;

import java.util.List;
import java.util.Map;

/** Jinja2's built-in tests ({@code jinja2/tests.py}): {@code x is defined}, {@code is string}, ... */
final class Tests {

    private Tests() {
    }

    static boolean apply(String name, Object v, List<Object> args, Interpreter interpreter) {
        return switch (name) {
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == null;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "number" -> Values.isNumber(v);
            case "string" -> v instanceof String;
            case "mapping" -> v instanceof Map;
            // Jinja2's Undefined defines __iter__, so it counts as iterable.
            case "iterable" -> v instanceof String || v instanceof List || v instanceof Map || v instanceof Undefined;
            case "sequence" -> v instanceof String || v instanceof List || v instanceof Map;
            case "callable" -> v instanceof JinjaCallable;
            case "escaped" -> false;
            // Python identity: None/True/False are singletons and CPython caches small ints.
            case "sameas" -> v == arg(args, name) || (Values.pyEquals(v, arg(args, name))
                    && (v instanceof Boolean || v instanceof Long l && l >= -5 && l <= 256));
            case "eq", "equalto", "==" -> Values.pyEquals(v, arg(args, name));
            case "ne", "!=" -> !Values.pyEquals(v, arg(args, name));
            case "lt", "lessthan", "<" -> Values.compare(v, arg(args, name)) < 0;
            case "le", "<=" -> Values.compare(v, arg(args, name)) <= 0;
            case "gt", "greaterthan", ">" -> Values.compare(v, arg(args, name)) > 0;
            case "ge", ">=" -> Values.compare(v, arg(args, name)) >= 0;
            case "in" -> Operators.contains(arg(args, name), v);
            case "odd" -> Math.floorMod(Values.toLong(v), 2) == 1;
            case "even" -> Math.floorMod(Values.toLong(v), 2) == 0;
            case "divisibleby" -> Math.floorMod(Values.toLong(v), Values.toLong(arg(args, name))) == 0;
            case "lower" -> v instanceof String s && s.equals(s.toLowerCase(java.util.Locale.ROOT));
            case "upper" -> v instanceof String s && s.equals(s.toUpperCase(java.util.Locale.ROOT));
            default -> throw JinjaException.runtime("TemplateRuntimeError: no test named '" + name + "'");
        };
    }

    private static Object arg(List<Object> args, String test) {
        if (args.isEmpty()) {
            throw JinjaException.runtime("TypeError: test '" + test + "' needs an argument");
        }
        return args.get(0);
    }
}
