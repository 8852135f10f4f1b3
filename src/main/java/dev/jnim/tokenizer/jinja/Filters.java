package dev.jnim.tokenizer.jinja;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Jinja2's built-in filters ({@code jinja2/filters.py}) that chat templates use, plus transformers'
 * {@code tojson}. Non-string inputs of string filters are converted with Python {@code str()} first
 * (Jinja2's {@code soft_str}), which is why {@code list | trim} renders the list's repr.
 */
final class Filters {

    private Filters() {
    }

    static Object apply(String name, Object v, List<Object> a, Map<String, Object> k, Interpreter in) {
        return switch (name) {
            case "tojson" -> Json.dumps(v, opt(a, 0, k, "indent", null), k.get("separators"),
                    Values.truthy(k.getOrDefault("sort_keys", false)));
            case "trim" -> Strings.strip(Values.str(v), optStr(a, 0, k, "chars"), true, true);
            case "length", "count" -> Values.length(v);
            case "string" -> Values.str(v);
            case "lower" -> Values.str(v).toLowerCase(Locale.ROOT);
            case "upper" -> Values.str(v).toUpperCase(Locale.ROOT);
            case "capitalize" -> Strings.capitalize(Values.str(v));
            case "title" -> title(Values.str(v));
            case "replace" -> Strings.replace(Values.str(v), Values.str(a.get(0)), Values.str(a.get(1)),
                    a.size() > 2 && a.get(2) != null ? Values.toLong(a.get(2)) : -1);
            case "indent" -> indent(Values.str(v), opt(a, 0, k, "width", 4L), Values.truthy(opt(a, 1, k, "first", false)),
                    Values.truthy(opt(a, 2, k, "blank", false)));
            case "default", "d" -> {
                boolean useDefault = v instanceof Undefined || (Values.truthy(opt(a, 1, k, "boolean", false)) && !Values.truthy(v));
                yield useDefault ? opt(a, 0, k, "default_value", "") : v;
            }
            case "first" -> {
                List<Object> items = Values.iterate(v);
                yield items.isEmpty() ? new Undefined("No first item, sequence was empty.") : items.get(0);
            }
            case "last" -> {
                List<Object> items = Values.iterate(v);
                yield items.isEmpty() ? new Undefined("No last item, sequence was empty.") : items.get(items.size() - 1);
            }
            case "list" -> Values.iterate(v);
            case "items" -> v instanceof Undefined ? new ArrayList<>() : Methods.bind(mapping(v, name), "items").call(List.of(), Map.of());
            case "join" -> join(v, Values.str(opt(a, 0, k, "d", "")), optStr(a, 1, k, "attribute"));
            case "int" -> toInt(v, opt(a, 0, k, "default", 0L));
            case "float" -> toFloat(v, opt(a, 0, k, "default", 0.0));
            case "abs" -> v instanceof Double d ? (Object) Math.abs(d) : (Object) Math.abs(Values.toLong(v));
            case "round" -> round(v, opt(a, 0, k, "precision", 0L), Values.str(opt(a, 1, k, "method", "common")));
            case "safe", "escape", "e", "forceescape" -> name.equals("safe") ? v : htmlEscape(Values.str(v));
            case "reverse" -> {
                if (v instanceof String s) {
                    yield new StringBuilder(s).reverse().toString();
                }
                List<Object> items = Values.iterate(v);
                java.util.Collections.reverse(items);
                yield items;
            }
            case "selectattr", "rejectattr" -> selectAttr(v, a, name.equals("selectattr"), in);
            case "select", "reject" -> select(v, a, name.equals("select"), in);
            case "map" -> map(v, a, k, in);
            case "unique" -> unique(v, Values.truthy(opt(a, 0, k, "case_sensitive", false)), optStr(a, 1, k, "attribute"));
            case "sort" -> sort(v, Values.truthy(opt(a, 0, k, "reverse", false)),
                    Values.truthy(opt(a, 1, k, "case_sensitive", false)), optStr(a, 2, k, "attribute"));
            case "dictsort" -> dictsort(v, Values.truthy(opt(a, 0, k, "case_sensitive", false)),
                    Values.str(opt(a, 1, k, "by", "key")), Values.truthy(opt(a, 2, k, "reverse", false)));
            case "sum" -> sum(v, optStr(a, 0, k, "attribute"), opt(a, 1, k, "start", 0L));
            case "min", "max" -> {
                List<Object> items = Values.iterate(v);
                if (items.isEmpty()) {
                    yield new Undefined("No aggregated item, sequence was empty.");
                }
                Comparator<Object> cmp = (x, y) -> Values.compare(fold(x, false), fold(y, false));
                yield name.equals("min") ? items.stream().min(cmp).orElseThrow() : items.stream().max(cmp).orElseThrow();
            }
            case "attr" -> Access.attribute(v, Values.str(a.get(0)));
            case "format" -> Strings.format(Values.str(v).replace("%s", "{}"), a, k);
            case "wordcount" -> (long) Strings.split(Values.str(v), null, -1).size();
            case "center" -> center(Values.str(v), (int) Values.toLong(opt(a, 0, k, "width", 80L)));
            case "batch" -> batch(v, (int) Values.toLong(a.get(0)));
            default -> throw JinjaException.runtime("TemplateRuntimeError: no filter named '" + name + "'");
        };
    }

    private static Object opt(List<Object> a, int i, Map<String, Object> k, String name, Object def) {
        return i < a.size() ? a.get(i) : k.getOrDefault(name, def);
    }

    private static String optStr(List<Object> a, int i, Map<String, Object> k, String name) {
        Object v = opt(a, i, k, name, null);
        return v == null ? null : Values.str(v);
    }

    private static Map<?, ?> mapping(Object v, String filter) {
        if (v instanceof Map<?, ?> m) {
            return m;
        }
        throw JinjaException.runtime("TypeError: " + filter + " filter expects a mapping, got " + Values.typeName(v));
    }

    /** Jinja2's {@code do_title}: words split at whitespace, hyphens and opening brackets. */
    private static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean start = true;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            boolean separator = Character.isWhitespace(cp) || "-({[<".indexOf(cp) >= 0;
            b.appendCodePoint(separator ? cp : start ? Character.toTitleCase(cp) : Character.toLowerCase(cp));
            start = separator;
        }
        return b.toString();
    }

    /** Jinja2's {@code do_indent} (3.x): the first line is indented only with {@code first}, blank lines only with {@code blank}. */
    private static String indent(String s, Object width, boolean first, boolean blank) {
        String pad = width instanceof String w ? w : " ".repeat((int) Values.toLong(width));
        List<Object> lines = Strings.splitlines(s + "\n");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = (String) lines.get(i);
            if (i > 0) {
                b.append('\n');
            }
            if ((i > 0 || first) && (blank || !line.isEmpty())) {
                b.append(pad);
            }
            b.append(line);
        }
        return b.toString();
    }

    private static String join(Object v, String sep, String attribute) {
        StringBuilder b = new StringBuilder();
        List<Object> items = Values.iterate(v);
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                b.append(sep);
            }
            Object item = attribute == null ? items.get(i) : attrPath(items.get(i), attribute);
            b.append(Values.str(item));
        }
        return b.toString();
    }

    private static Object toInt(Object v, Object def) {
        return switch (v) {
            case Long l -> l;
            case Boolean bool -> bool ? 1L : 0L;
            case Double d -> (long) d.doubleValue();
            case String s -> {
                String t = s.strip().replace("_", "");
                try {
                    yield Long.parseLong(t);
                } catch (NumberFormatException e) {
                    try {
                        yield (long) Double.parseDouble(t);
                    } catch (NumberFormatException e2) {
                        yield def;
                    }
                }
            }
            case null, default -> def;
        };
    }

    private static Object toFloat(Object v, Object def) {
        return switch (v) {
            case Long l -> (double) l;
            case Boolean bool -> bool ? 1.0 : 0.0;
            case Double d -> d;
            case String s -> {
                try {
                    yield Double.parseDouble(s.strip());
                } catch (NumberFormatException e) {
                    yield def;
                }
            }
            case null, default -> def;
        };
    }

    private static Object round(Object v, Object precision, String method) {
        double x = Values.toDouble(v);
        double scale = Math.pow(10, Values.toLong(precision));
        double r = switch (method) {
            case "ceil" -> Math.ceil(x * scale) / scale;
            case "floor" -> Math.floor(x * scale) / scale;
            default -> new java.math.BigDecimal(x).setScale((int) Values.toLong(precision), java.math.RoundingMode.HALF_EVEN).doubleValue();
        };
        return r;
    }

    private static String htmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&#34;").replace("'", "&#39;");
    }

    /** Jinja2's {@code make_attrgetter}: dotted path, each part looked up item-first, integers as indices. */
    static Object attrPath(Object item, String path) {
        Object v = item;
        for (String part : path.split("\\.")) {
            Object key = part.chars().allMatch(Character::isDigit) && !part.isEmpty() ? (Object) Long.parseLong(part) : part;
            v = Access.item(v, key);
        }
        return v;
    }

    private static List<Object> selectAttr(Object v, List<Object> a, boolean keep, Interpreter in) {
        if (a.isEmpty()) {
            throw JinjaException.runtime("TypeError: selectattr needs an attribute name");
        }
        String attribute = Values.str(a.get(0));
        List<Object> out = new ArrayList<>();
        for (Object item : Values.iterate(v)) {
            Object value = attrPath(item, attribute);
            boolean ok = a.size() < 2 ? Values.truthy(value)
                    : Tests.apply(Values.str(a.get(1)), value, a.subList(2, a.size()), in);
            if (ok == keep) {
                out.add(item);
            }
        }
        return out;
    }

    private static List<Object> select(Object v, List<Object> a, boolean keep, Interpreter in) {
        List<Object> out = new ArrayList<>();
        for (Object item : Values.iterate(v)) {
            boolean ok = a.isEmpty() ? Values.truthy(item) : Tests.apply(Values.str(a.get(0)), item, a.subList(1, a.size()), in);
            if (ok == keep) {
                out.add(item);
            }
        }
        return out;
    }

    private static List<Object> map(Object v, List<Object> a, Map<String, Object> k, Interpreter in) {
        List<Object> out = new ArrayList<>();
        if (k.containsKey("attribute")) {
            String attribute = Values.str(k.get("attribute"));
            for (Object item : Values.iterate(v)) {
                Object value = attrPath(item, attribute);
                out.add(value instanceof Undefined && k.containsKey("default") ? k.get("default") : value);
            }
            return out;
        }
        if (a.isEmpty()) {
            throw JinjaException.runtime("TypeError: map requires a filter argument");
        }
        String filter = Values.str(a.get(0));
        Map<String, Object> rest = new LinkedHashMap<>(k);
        for (Object item : Values.iterate(v)) {
            out.add(apply(filter, item, a.subList(1, a.size()), rest, in));
        }
        return out;
    }

    /** Case folding used by Jinja2's {@code ignore_case} for sort/unique/dictsort. */
    private static Object fold(Object v, boolean caseSensitive) {
        return !caseSensitive && v instanceof String s ? s.toLowerCase(Locale.ROOT) : v;
    }

    private static List<Object> unique(Object v, boolean caseSensitive, String attribute) {
        List<Object> out = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        for (Object item : Values.iterate(v)) {
            Object key = fold(attribute == null ? item : attrPath(item, attribute), caseSensitive);
            if (seen.stream().noneMatch(s -> Values.pyEquals(s, key))) {
                seen.add(key);
                out.add(item);
            }
        }
        return out;
    }

    private static List<Object> sort(Object v, boolean reverse, boolean caseSensitive, String attribute) {
        List<Object> items = Values.iterate(v);
        Comparator<Object> cmp = (x, y) -> Values.compare(
                fold(attribute == null ? x : attrPath(x, attribute), caseSensitive),
                fold(attribute == null ? y : attrPath(y, attribute), caseSensitive));
        items.sort(reverse ? cmp.reversed() : cmp);
        return items;
    }

    private static List<Object> dictsort(Object v, boolean caseSensitive, String by, boolean reverse) {
        List<Object> pairs = new ArrayList<>();
        mapping(v, "dictsort").forEach((key, value) -> pairs.add(new Tuple(java.util.Arrays.asList(key, value))));
        int pos = by.equals("value") ? 1 : 0;
        Comparator<Object> cmp = (x, y) -> Values.compare(fold(((List<?>) x).get(pos), caseSensitive),
                fold(((List<?>) y).get(pos), caseSensitive));
        pairs.sort(reverse ? cmp.reversed() : cmp);
        return pairs;
    }

    private static Object sum(Object v, String attribute, Object start) {
        Object total = start;
        for (Object item : Values.iterate(v)) {
            total = Operators.binary("+", total, attribute == null ? item : attrPath(item, attribute));
        }
        return total;
    }

    private static String center(String s, int width) {
        int pad = width - s.length();
        if (pad <= 0) {
            return s;
        }
        int left = pad / 2 + (pad & width & 1); // Python's str.center rounding
        return " ".repeat(left) + s + " ".repeat(pad - left);
    }

    private static List<Object> batch(Object v, int size) {
        List<Object> out = new ArrayList<>();
        List<Object> current = new ArrayList<>();
        for (Object item : Values.iterate(v)) {
            current.add(item);
            if (current.size() == size) {
                out.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }
}
