package dev.jnim.tokenizer.jinja;

/** One lexical token of a template; {@code line} is 1-based, for error messages. */
record Token(Type type, String value, int line) {

    /** Token kinds, as Jinja2's lexer names them. */
    enum Type { TEXT, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INTEGER, FLOAT, OPERATOR, EOF }

    boolean is(Type t, String v) {
        return type == t && value.equals(v);
    }

    boolean isOp(String v) {
        return is(Type.OPERATOR, v);
    }

    boolean isName(String v) {
        return is(Type.NAME, v);
    }

    @Override
    public String toString() {
        return type == Type.EOF ? "end of template" : type.name().toLowerCase() + " '" + value + "'";
    }
}
