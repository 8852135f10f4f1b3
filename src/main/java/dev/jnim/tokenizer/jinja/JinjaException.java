package dev.jnim.tokenizer.jinja;

/** A template failed to parse or to render; {@link Kind} says which, as Jinja2's exception classes do. */
public final class JinjaException extends RuntimeException {

    /** What failed. */
    public enum Kind {
        /** {@code TemplateSyntaxError}: the source does not parse. */
        SYNTAX,
        /** The template called {@code raise_exception(message)}; the message is the template's, verbatim. */
        RAISED,
        /** Evaluation failed: {@code UndefinedError}, {@code TypeError}, ... */
        RUNTIME
    }

    private final Kind kind;

    public JinjaException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** What failed. */
    public Kind kind() {
        return kind;
    }

    static JinjaException syntax(int line, String message) {
        return new JinjaException(Kind.SYNTAX, message + " (line " + line + ")");
    }

    static JinjaException runtime(String message) {
        return new JinjaException(Kind.RUNTIME, message);
    }
}
