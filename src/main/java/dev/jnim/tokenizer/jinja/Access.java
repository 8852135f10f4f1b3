package dev.jnim.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Jinja2's {@code environment.getattr} ({@code obj.name}: attribute, then item) and {@code getitem}
 * ({@code obj[key]}: item, then attribute), and Python slicing. Anything missing is {@link Undefined};
 * using an undefined value's attribute or item raises, as Jinja2's default Undefined does.
 */
final class Access {

    private Access() {
    }

    static Object attribute(Object obj, String name) {
        if (obj instanceof Undefined u) {
            throw u.fail();
        }
        Object method = Methods.bind(obj, name);
        if (method != null) {
            return method;
        }
        return switch (obj) {
            case Map<?, ?> m -> m.containsKey(name) ? m.get(name) : Undefined.attribute(obj, name);
            case Namespace ns -> ns.attributes.containsKey(name) ? ns.attributes.get(name) : Undefined.attribute(obj, name);
            case LoopInfo loop -> loop.attribute(name);
            case null, default -> Undefined.attribute(obj, name);
        };
    }

    static Object item(Object obj, Object key) {
        switch (obj) {
            case Undefined u -> throw u.fail();
            case Map<?, ?> m -> {
                Object k = key instanceof Boolean b ? (Object) (b ? 1L : 0L) : key;
                if (m.containsKey(k)) {
                    return m.get(k);
                }
            }
            case List<?> l -> {
                if (key instanceof Long || key instanceof Boolean) {
                    long i = Values.toLong(key);
                    long index = i < 0 ? i + l.size() : i;
                    return index >= 0 && index < l.size() ? l.get((int) index)
                            : new Undefined("'" + Values.typeName(obj) + " object' has no element " + i);
                }
            }
            case String s -> {
                if (key instanceof Long || key instanceof Boolean) {
                    int[] cps = s.codePoints().toArray();
                    long i = Values.toLong(key);
                    long index = i < 0 ? i + cps.length : i;
                    return index >= 0 && index < cps.length ? new String(cps, (int) index, 1)
                            : new Undefined("'str object' has no element " + i);
                }
            }
            case null, default -> {
            }
        }
        if (key instanceof String name) {
            return attribute(obj, name);
        }
        return new Undefined("'" + Values.typeName(obj) + " object' has no element " + Values.repr(key));
    }

    /** Python {@code obj[start:stop:step]} on lists (and tuples) and strings. */
    static Object slice(Object obj, Object start, Object stop, Object step) {
        if (obj instanceof Undefined u) {
            throw u.fail();
        }
        long st = step == null ? 1 : Values.toLong(step);
        if (st == 0) {
            throw JinjaException.runtime("ValueError: slice step cannot be zero");
        }
        if (obj instanceof String s) {
            int[] cps = s.codePoints().toArray();
            int[] idx = indices(cps.length, start, stop, st);
            StringBuilder b = new StringBuilder();
            for (int i = idx[0]; st > 0 ? i < idx[1] : i > idx[1]; i += (int) st) {
                b.appendCodePoint(cps[i]);
            }
            return b.toString();
        }
        if (obj instanceof List<?> l) {
            int[] idx = indices(l.size(), start, stop, st);
            List<Object> out = new ArrayList<>();
            for (int i = idx[0]; st > 0 ? i < idx[1] : i > idx[1]; i += (int) st) {
                out.add(l.get(i));
            }
            return obj instanceof Tuple ? new Tuple(out) : out;
        }
        throw JinjaException.runtime("TypeError: '" + Values.typeName(obj) + "' object is not subscriptable");
    }

    /** Python's {@code slice.indices(len)}. */
    private static int[] indices(int len, Object start, Object stop, long step) {
        long lower = step < 0 ? -1 : 0;
        long upper = step < 0 ? len - 1 : len;
        long s = start == null ? (step < 0 ? upper : lower) : clamp(Values.toLong(start), len, lower, upper);
        long e = stop == null ? (step < 0 ? lower : upper) : clamp(Values.toLong(stop), len, lower, upper);
        return new int[] {(int) s, (int) e};
    }

    private static long clamp(long v, int len, long lower, long upper) {
        if (v < 0) {
            v += len;
            return Math.max(v, lower);
        }
        return Math.min(v, upper);
    }
}
