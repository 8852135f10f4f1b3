package dev.jnim.tokenizer.jinja;

import java.util.HashMap;
import java.util.Map;

/**
 * A variable scope. {@code for} bodies and macro calls get a child scope, so a {@code set} inside them
 * does not leak out (Jinja2's scoping rule, the reason templates use {@code namespace}); {@code if}
 * bodies share their parent's.
 */
final class Scope {

    private final Scope parent;
    private final Map<String, Object> vars = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    /** The value of {@code name}, or null when no scope defines it (use {@link #has}). */
    Object get(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Object v = s.vars.get(name);
            if (v != null || s.vars.containsKey(name)) {
                return v;
            }
        }
        return null;
    }

    boolean has(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            if (s.vars.containsKey(name)) {
                return true;
            }
        }
        return false;
    }

    void set(String name, Object value) {
        vars.put(name, value);
    }
}
