package dev.jnim.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into text and tag tokens with Python Jinja2's whitespace rules as transformers
 * configures them: {@code trim_blocks} (the first newline after a block or comment tag is dropped),
 * {@code lstrip_blocks} (spaces and tabs before a block or comment tag at the start of a line are
 * dropped), {@code -} on a tag strips all whitespace on that side, {@code +} disables lstrip/trim, newlines
 * are normalised to {@code \n} and one trailing newline of the template is dropped
 * ({@code keep_trailing_newline=False}).
 */
final class Lexer {

    private final String src;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private int line = 1;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        if (s.endsWith("\n")) {
            s = s.substring(0, s.length() - 1);
        }
        Lexer lexer = new Lexer(s);
        lexer.run();
        return lexer.out;
    }

    private void run() {
        boolean stripLeading = false;
        while (pos < src.length()) {
            int tag = nextTag(pos);
            int textEnd = tag < 0 ? src.length() : tag;
            String text = src.substring(pos, textEnd);
            if (stripLeading) {
                text = text.stripLeading();
                stripLeading = false;
            }
            if (tag < 0) {
                emitText(text);
                pos = src.length();
                break;
            }
            char kind = src.charAt(tag + 1);
            char modifier = tag + 2 < src.length() ? src.charAt(tag + 2) : 0;
            if (modifier == '-') {
                text = rstripPython(text);
            } else if (modifier != '+' && kind != '{' && lineStarts(textEnd, text)) {
                text = text.substring(0, lastNonBlank(text));
            }
            emitText(text);
            pos = tag + 2 + (modifier == '-' || modifier == '+' ? 1 : 0);
            stripLeading = switch (kind) {
                case '#' -> comment();
                case '{' -> tag(Token.Type.VAR_BEGIN, Token.Type.VAR_END, '}');
                default -> tag(Token.Type.BLOCK_BEGIN, Token.Type.BLOCK_END, '%');
            };
        }
        out.add(new Token(Token.Type.EOF, "", line));
    }

    /** True when only spaces/tabs separate the tag from the start of its line (Jinja2's lstrip rule). */
    private boolean lineStarts(int tagPos, String text) {
        int nl = text.lastIndexOf('\n');
        if (nl < 0) {
            int start = tagPos - text.length();
            if (start > 0 && src.charAt(start - 1) != '\n') {
                return false;
            }
        }
        for (int i = nl + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    private static int lastNonBlank(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
            end--;
        }
        return end;
    }

    private int nextTag(int from) {
        int i = from;
        while ((i = src.indexOf('{', i)) >= 0 && i + 1 < src.length()) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
            i++;
        }
        return -1;
    }

    private void emitText(String text) {
        if (!text.isEmpty()) {
            out.add(new Token(Token.Type.TEXT, text, line));
            line += count(text, '\n');
        }
    }

    /** Skips a comment; returns whether whitespace after it must be stripped. */
    private boolean comment() {
        int end = src.indexOf("#}", pos);
        if (end < 0) {
            throw JinjaException.syntax(line, "missing end of comment tag");
        }
        boolean minus = end > pos && src.charAt(end - 1) == '-';
        boolean plus = end > pos && src.charAt(end - 1) == '+';
        line += count(src.substring(pos, end), '\n');
        pos = end + 2;
        return afterTagEnd(minus, plus, true);
    }

    /** Lexes the expression tokens of a {@code {{ }}} or {@code {% %}} tag. */
    private boolean tag(Token.Type begin, Token.Type end, char closer) {
        int beginIndex = out.size();
        out.add(new Token(begin, "", line));
        while (true) {
            skipSpaces();
            if (pos >= src.length()) {
                throw JinjaException.syntax(line, "unexpected end of template, expected '" + closer + "}'");
            }
            char c = src.charAt(pos);
            boolean minus = c == '-' && startsWith(pos + 1, closer + "}");
            boolean plus = c == '+' && startsWith(pos + 1, closer + "}");
            if (minus || plus || startsWith(pos, closer + "}")) {
                pos += (minus || plus ? 1 : 0) + 2;
                out.add(new Token(end, "", line));
                if (begin == Token.Type.BLOCK_BEGIN && isRaw(beginIndex)) {
                    return raw(minus, plus);
                }
                return afterTagEnd(minus, plus, begin == Token.Type.BLOCK_BEGIN);
            }
            expressionToken(c);
        }
    }

    private boolean isRaw(int beginIndex) {
        return out.size() == beginIndex + 3 && out.get(beginIndex + 1).isName("raw");
    }

    /** {@code {% raw %}...{% endraw %}}: the body is text, verbatim. */
    private boolean raw(boolean minus, boolean plus) {
        out.subList(out.size() - 3, out.size()).clear();
        boolean strip = afterTagEnd(minus, plus, true);
        int i = pos;
        while (true) {
            int open = src.indexOf("{%", i);
            if (open < 0) {
                throw JinjaException.syntax(line, "missing endraw");
            }
            int j = open + 2;
            boolean innerMinus = j < src.length() && src.charAt(j) == '-';
            if (innerMinus || (j < src.length() && src.charAt(j) == '+')) {
                j++;
            }
            while (j < src.length() && Character.isWhitespace(src.charAt(j))) {
                j++;
            }
            if (startsWith(j, "endraw")) {
                String body = src.substring(pos, open);
                if (strip) {
                    body = body.stripLeading();
                }
                if (innerMinus) {
                    body = rstripPython(body);
                }
                emitText(body);
                pos = j + 6;
                skipSpaces();
                boolean endMinus = startsWith(pos, "-%}");
                boolean endPlus = startsWith(pos, "+%}");
                if (!endMinus && !endPlus && !startsWith(pos, "%}")) {
                    throw JinjaException.syntax(line, "expected '%}' after endraw");
                }
                pos += endMinus || endPlus ? 3 : 2;
                return afterTagEnd(endMinus, endPlus, true);
            }
            i = open + 2;
        }
    }

    /** Applies {@code -} (strip all following whitespace) or {@code trim_blocks} (drop one newline). */
    private boolean afterTagEnd(boolean minus, boolean plus, boolean isBlock) {
        if (minus) {
            return true;
        }
        if (isBlock && !plus && pos < src.length() && src.charAt(pos) == '\n') {
            pos++;
            line++;
        }
        return false;
    }

    private void expressionToken(char c) {
        if (c == '\'' || c == '"') {
            out.add(new Token(Token.Type.STRING, string(c), line));
        } else if (Character.isDigit(c)) {
            number();
        } else if (Character.isLetter(c) || c == '_') {
            int start = pos;
            while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                pos++;
            }
            out.add(new Token(Token.Type.NAME, src.substring(start, pos), line));
        } else {
            for (String op : OPERATORS) {
                if (startsWith(pos, op)) {
                    out.add(new Token(Token.Type.OPERATOR, op, line));
                    pos += op.length();
                    return;
                }
            }
            throw JinjaException.syntax(line, "unexpected char '" + c + "'");
        }
    }

    private static final String[] OPERATORS = {
        "//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=",
        "(", ")", "[", "]", "{", "}", ",", ".", ":", "|",
    };

    private void number() {
        int start = pos;
        boolean isFloat = false;
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
        if (pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
            isFloat = true;
            pos++;
            while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                pos++;
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                isFloat = true;
                while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = save;
            }
        }
        String text = src.substring(start, pos).replace("_", "");
        out.add(new Token(isFloat ? Token.Type.FLOAT : Token.Type.INTEGER, text, line));
    }

    /** A string literal, unescaped as Python's {@code unicode-escape} codec does (what Jinja2 uses). */
    private String string(char quote) {
        int startLine = line;
        pos++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw JinjaException.syntax(startLine, "unterminated string");
            }
            char c = src.charAt(pos++);
            if (c == quote) {
                return b.toString();
            }
            if (c == '\n') {
                line++;
            }
            if (c != '\\' || pos >= src.length()) {
                b.append(c);
                continue;
            }
            char e = src.charAt(pos++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case '\\' -> b.append('\\');
                case '\'' -> b.append('\'');
                case '"' -> b.append('"');
                case 'a' -> b.append('\u0007');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'v' -> b.append('\u000b');
                case '\n' -> line++; // line continuation
                case 'x' -> b.appendCodePoint(hex(2));
                case 'u' -> b.appendCodePoint(hex(4));
                case 'U' -> b.appendCodePoint(hex(8));
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int k = 0; k < 2 && pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '7'; k++) {
                            v = v * 8 + (src.charAt(pos++) - '0');
                        }
                        b.append((char) v);
                    } else {
                        b.append('\\').append(e); // Python keeps unknown escapes
                    }
                }
            }
        }
    }

    private int hex(int digits) {
        if (pos + digits > src.length()) {
            throw JinjaException.syntax(line, "truncated escape in string");
        }
        try {
            int v = Integer.parseInt(src.substring(pos, pos + digits), 16);
            pos += digits;
            return v;
        } catch (NumberFormatException e) {
            throw JinjaException.syntax(line, "invalid escape in string: " + e.getMessage());
        }
    }

    private void skipSpaces() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            if (src.charAt(pos) == '\n') {
                line++;
            }
            pos++;
        }
    }

    private boolean startsWith(int at, String s) {
        return src.startsWith(s, at);
    }

    /** Python {@code str.rstrip()}: all trailing whitespace. */
    private static String rstripPython(String s) {
        int end = s.length();
        while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }
}
