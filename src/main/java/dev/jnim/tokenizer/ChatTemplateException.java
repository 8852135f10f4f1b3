package dev.jnim.tokenizer;

/**
 * A chat template could not be rendered. The message is the template's own ({@code raise_exception}) or
 * says what failed and where; the server answers 400 with it.
 */
public final class ChatTemplateException extends RuntimeException {

    /** Why rendering failed. */
    public enum Kind {
        /** The template source does not parse. */
        SYNTAX,
        /** The template called {@code raise_exception(message)}: it rejects the conversation. */
        RAISED,
        /** Evaluation failed (undefined value used, wrong type, ...), as a Jinja2 runtime error. */
        RUNTIME
    }

    private final Kind kind;

    public ChatTemplateException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ChatTemplateException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** Why rendering failed. */
    public Kind kind() {
        return kind;
    }
}
