package dev.jnim.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Python methods that templates call on values: {@code str} ({@code startswith}, {@code strip},
 * {@code split}, {@code format}, ...), {@code dict} ({@code items}, {@code get}, ...) and the read-only
 * {@code list} methods. Mutating methods are absent, as in transformers' ImmutableSandboxedEnvironment.
 */
final class Methods {

    private Methods() {
    }

    /** The bound method {@code obj.name}, or null when the type has no such method. */
    static JinjaCallable bind(Object obj, String name) {
        return switch (obj) {
            case String s -> stringMethod(s, name);
            case Map<?, ?> m -> dictMethod(m, name);
            case List<?> l -> listMethod(l, name);
            case null, default -> null;
        };
    }

    private static JinjaCallable stringMethod(String s, String name) {
        return switch (name) {
            case "startswith" -> (a, k) -> affix(s, arg(a, 0, name), true);
            case "endswith" -> (a, k) -> affix(s, arg(a, 0, name), false);
            case "strip" -> (a, k) -> Strings.strip(s, optString(a, 0), true, true);
            case "lstrip" -> (a, k) -> Strings.strip(s, optString(a, 0), true, false);
            case "rstrip" -> (a, k) -> Strings.strip(s, optString(a, 0), false, true);
            case "split" -> (a, k) -> Strings.split(s, optString(a, 0, k, "sep"), maxSplit(a, k));
            case "rsplit" -> (a, k) -> Strings.rsplit(s, optString(a, 0, k, "sep"), maxSplit(a, k));
            case "splitlines" -> (a, k) -> Strings.splitlines(s);
            case "upper" -> (a, k) -> s.toUpperCase(Locale.ROOT);
            case "lower" -> (a, k) -> s.toLowerCase(Locale.ROOT);
            case "title" -> (a, k) -> Strings.pythonTitle(s);
            case "capitalize" -> (a, k) -> Strings.capitalize(s);
            case "replace" -> (a, k) -> Strings.replace(s, str(arg(a, 0, name)), str(arg(a, 1, name)),
                    a.size() > 2 ? Values.toLong(a.get(2)) : -1);
            case "find" -> (a, k) -> (long) Strings.cpIndex(s, s.indexOf(str(arg(a, 0, name))));
            case "rfind" -> (a, k) -> (long) Strings.cpIndex(s, s.lastIndexOf(str(arg(a, 0, name))));
            case "count" -> (a, k) -> Strings.count(s, str(arg(a, 0, name)));
            case "join" -> (a, k) -> {
                StringBuilder b = new StringBuilder();
                List<Object> items = Values.iterate(arg(a, 0, name));
                for (int i = 0; i < items.size(); i++) {
                    if (i > 0) {
                        b.append(s);
                    }
                    b.append(str(items.get(i)));
                }
                return b.toString();
            };
            case "format" -> (a, k) -> Strings.format(s, a, k);
            case "isdigit" -> (a, k) -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isalpha" -> (a, k) -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
            case "isalnum" -> (a, k) -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
            case "isspace" -> (a, k) -> !s.isEmpty() && s.codePoints().allMatch(Character::isWhitespace);
            case "islower" -> (a, k) -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toLowerCase(Locale.ROOT));
            case "isupper" -> (a, k) -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toUpperCase(Locale.ROOT));
            default -> null;
        };
    }

    private static JinjaCallable dictMethod(Map<?, ?> m, String name) {
        return switch (name) {
            case "items" -> (a, k) -> {
                List<Object> out = new ArrayList<>(m.size());
                m.forEach((key, value) -> out.add(new Tuple(java.util.Arrays.asList(key, value))));
                return out;
            };
            case "keys" -> (a, k) -> new ArrayList<Object>(m.keySet());
            case "values" -> (a, k) -> new ArrayList<Object>(m.values());
            case "get" -> (a, k) -> {
                Object key = arg(a, 0, name);
                return m.containsKey(key) ? m.get(key) : a.size() > 1 ? a.get(1) : null;
            };
            default -> null;
        };
    }

    private static JinjaCallable listMethod(List<?> l, String name) {
        return switch (name) {
            case "index" -> (a, k) -> {
                Object x = arg(a, 0, name);
                for (int i = 0; i < l.size(); i++) {
                    if (Values.pyEquals(l.get(i), x)) {
                        return (long) i;
                    }
                }
                throw JinjaException.runtime("ValueError: " + Values.repr(x) + " is not in list");
            };
            case "count" -> (a, k) -> l.stream().filter(x -> Values.pyEquals(x, a.get(0))).count();
            default -> null;
        };
    }

    private static boolean affix(String s, Object arg, boolean prefix) {
        if (arg instanceof List<?> options) { // Python accepts a tuple of prefixes
            for (Object o : options) {
                if (affix(s, o, prefix)) {
                    return true;
                }
            }
            return false;
        }
        if (!(arg instanceof String a)) {
            throw JinjaException.runtime("TypeError: " + (prefix ? "startswith" : "endswith")
                    + " first arg must be str or a tuple of str, not " + Values.typeName(arg));
        }
        return prefix ? s.startsWith(a) : s.endsWith(a);
    }

    private static long maxSplit(List<Object> a, Map<String, Object> k) {
        Object v = a.size() > 1 ? a.get(1) : k.get("maxsplit");
        return v == null ? -1 : Values.toLong(v);
    }

    static Object arg(List<Object> args, int i, String method) {
        if (i >= args.size()) {
            throw JinjaException.runtime("TypeError: " + method + "() missing argument " + (i + 1));
        }
        return args.get(i);
    }

    private static String optString(List<Object> args, int i) {
        return i < args.size() && args.get(i) != null ? str(args.get(i)) : null;
    }

    private static String optString(List<Object> args, int i, Map<String, Object> kwargs, String name) {
        Object v = i < args.size() ? args.get(i) : kwargs.get(name);
        return v == null ? null : str(v);
    }

    private static String str(Object v) {
        if (v instanceof String s) {
            return s;
        }
        throw JinjaException.runtime("TypeError: must be str, not " + Values.typeName(v));
    }
}
