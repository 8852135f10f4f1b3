package dev.jnim.tokenizer.jinja;

/**
 * Jinja2's default {@code Undefined}: prints as empty, is falsy, iterates as empty, has length 0, but
 * any attribute access, item access, call or arithmetic on it fails with its message.
 */
final class Undefined {

    private final String message;

    Undefined(String message) {
        this.message = message;
    }

    static Undefined name(String name) {
        return new Undefined("'" + name + "' is undefined");
    }

    static Undefined attribute(Object obj, Object attr) {
        return new Undefined("'" + Values.typeName(obj) + " object' has no attribute '" + Values.str(attr) + "'");
    }

    /** The UndefinedError to throw when this value is used. */
    JinjaException fail() {
        return JinjaException.runtime("UndefinedError: " + message);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Undefined;
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return "";
    }
}
