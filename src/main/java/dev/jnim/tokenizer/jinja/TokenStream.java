package dev.jnim.tokenizer.jinja;

import dev.jnim.tokenizer.jinja.Token.Type;
import java.util.List;

/** A cursor over a template's tokens, shared by the statement and expression parsers. */
final class TokenStream {

    private final List<Token> tokens;
    private int pos;

    TokenStream(List<Token> tokens) {
        this.tokens = tokens;
    }

    Token peek() {
        return tokens.get(pos);
    }

    Token peekAhead(int n) {
        return tokens.get(Math.min(pos + n, tokens.size() - 1));
    }

    Token prev() {
        return tokens.get(Math.max(pos - 1, 0));
    }

    Token next() {
        Token t = tokens.get(pos);
        if (t.type() != Type.EOF) {
            pos++;
        }
        return t;
    }

    boolean accept(String op) {
        if (peek().isOp(op)) {
            pos++;
            return true;
        }
        return false;
    }

    void expectOp(String op) {
        Token t = next();
        if (!t.isOp(op)) {
            throw JinjaException.syntax(t.line(), "expected '" + op + "', got " + t);
        }
    }

    String expectName() {
        Token t = next();
        if (t.type() != Type.NAME) {
            throw JinjaException.syntax(t.line(), "expected a name, got " + t);
        }
        return t.value();
    }

    void expect(Type type, String what) {
        Token t = next();
        if (t.type() != type) {
            throw JinjaException.syntax(t.line(), "expected " + what + ", got " + t);
        }
    }
}
