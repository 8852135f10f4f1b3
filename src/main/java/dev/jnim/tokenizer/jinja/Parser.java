package dev.jnim.tokenizer.jinja;

import dev.jnim.tokenizer.jinja.Token.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser from tokens to {@link Node}s, with Jinja2's operator precedence
 * ({@code jinja2/parser.py}): conditional &lt; or &lt; and &lt; not &lt; comparison &lt; {@code + -} &lt;
 * {@code ~} &lt; {@code * / // %} &lt; {@code **} &lt; unary &lt; postfix ({@code . [] ()}) and then filters
 * and tests, so {@code a + b | trim} is {@code a + (b | trim)}.
 */
final class Parser {

    private static final Set<String> COMPARE_OPS = Set.of("==", "!=", "<", "<=", ">", ">=");

    private final List<Token> tokens;
    private int pos;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Node> parse(String source) {
        Parser p = new Parser(Lexer.tokenize(source));
        List<Node> body = p.body(Set.of());
        if (p.peek().type() != Type.EOF) {
            Token t = p.peek();
            throw JinjaException.syntax(t.line(), "unexpected '" + p.peekAhead(1).value() + "' tag");
        }
        return body;
    }

    // ---- statements ----

    /** Parses nodes until a block tag whose name is in {@code ends} (left unconsumed) or EOF. */
    private List<Node> body(Set<String> ends) {
        List<Node> nodes = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.type()) {
                case EOF -> {
                    if (!ends.isEmpty()) {
                        throw JinjaException.syntax(t.line(), "unexpected end of template, expected one of " + ends);
                    }
                    return nodes;
                }
                case TEXT -> {
                    next();
                    nodes.add(new Node.Text(t.value()));
                }
                case VAR_BEGIN -> {
                    next();
                    Expr e = tuple(true);
                    expect(Type.VAR_END, "'}}'");
                    nodes.add(new Node.Output(e));
                }
                case BLOCK_BEGIN -> {
                    Token name = peekAhead(1);
                    if (name.type() != Type.NAME) {
                        throw JinjaException.syntax(name.line(), "expected a tag name, got " + name);
                    }
                    if (ends.contains(name.value())) {
                        return nodes;
                    }
                    next();
                    next();
                    nodes.add(statement(name));
                }
                default -> throw JinjaException.syntax(t.line(), "unexpected " + t);
            }
        }
    }

    private Node statement(Token name) {
        return switch (name.value()) {
            case "if" -> ifStatement();
            case "for" -> forStatement();
            case "set" -> setStatement();
            case "macro" -> macro();
            case "break", "continue" -> {
                endTag();
                yield new Node.LoopControl(name.value().equals("break"));
            }
            case "generation" -> { // transformers' AssistantTracker: renders its body
                endTag();
                List<Node> body = body(Set.of("endgeneration"));
                closeBlock("endgeneration");
                yield new Node.If(List.of(new Expr.Const(true)), List.of(body), List.of());
            }
            case "filter" -> {
                String filterName = dottedName();
                List<Expr> args = new ArrayList<>();
                List<String> kwNames = new ArrayList<>();
                List<Expr> kwValues = new ArrayList<>();
                if (peek().isOp("(")) {
                    arguments(args, kwNames, kwValues);
                }
                Expr filter = filterChain(new Expr.Filter(null, filterName, args, kwNames, kwValues));
                endTag();
                List<Node> body = body(Set.of("endfilter"));
                closeBlock("endfilter");
                yield new Node.FilterBlock(filter, body);
            }
            default -> throw JinjaException.syntax(name.line(), "unknown tag '" + name.value() + "'");
        };
    }

    private Node ifStatement() {
        List<Expr> conditions = new ArrayList<>();
        List<List<Node>> bodies = new ArrayList<>();
        conditions.add(tuple(true));
        endTag();
        bodies.add(body(Set.of("elif", "else", "endif")));
        while (true) {
            next(); // BLOCK_BEGIN
            String tag = next().value();
            switch (tag) {
                case "elif" -> {
                    conditions.add(tuple(true));
                    endTag();
                    bodies.add(body(Set.of("elif", "else", "endif")));
                }
                case "else" -> {
                    endTag();
                    List<Node> orElse = body(Set.of("endif"));
                    closeBlock("endif");
                    return new Node.If(conditions, bodies, orElse);
                }
                default -> {
                    endTag();
                    return new Node.If(conditions, bodies, List.of());
                }
            }
        }
    }

    private Node forStatement() {
        List<String> targets = new ArrayList<>();
        do {
            targets.add(expectName());
        } while (accept(","));
        if (!next().isName("in")) {
            throw JinjaException.syntax(prev().line(), "expected 'in' in for loop");
        }
        Expr iterable = tuple(false);
        Expr filter = null;
        if (peek().isName("if")) {
            next();
            filter = expression(true);
        }
        if (peek().isName("recursive")) {
            throw JinjaException.syntax(peek().line(), "recursive for loops are not supported");
        }
        endTag();
        List<Node> body = body(Set.of("else", "endfor"));
        List<Node> orElse = List.of();
        next();
        if (next().value().equals("else")) {
            endTag();
            orElse = body(Set.of("endfor"));
            closeBlock("endfor");
        } else {
            endTag();
        }
        return new Node.For(targets, iterable, filter, body, orElse);
    }

    private Node setStatement() {
        Expr target = primaryTarget();
        if (peek().isOp(",")) {
            List<Expr> names = new ArrayList<>(List.of(target));
            while (accept(",")) {
                names.add(primaryTarget());
            }
            target = new Expr.TupleLit(names);
        }
        if (accept("=")) {
            Expr value = tuple(true);
            endTag();
            return new Node.Set(target, value);
        }
        if (!(target instanceof Expr.Name name)) {
            throw JinjaException.syntax(peek().line(), "expected '=' in set");
        }
        endTag();
        List<Node> body = body(Set.of("endset"));
        closeBlock("endset");
        return new Node.SetBlock(name.name(), body);
    }

    private Expr primaryTarget() {
        Expr target = new Expr.Name(expectName());
        while (accept(".")) {
            target = new Expr.Attr(target, expectName());
        }
        return target;
    }

    private Node macro() {
        String name = expectName();
        expectOp("(");
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        while (!accept(")")) {
            if (!params.isEmpty()) {
                expectOp(",");
                if (accept(")")) {
                    break;
                }
            }
            params.add(expectName());
            if (accept("=")) {
                defaults.add(expression(true));
            } else if (!defaults.isEmpty()) {
                throw JinjaException.syntax(prev().line(), "non-default argument follows default argument");
            }
        }
        endTag();
        List<Node> body = body(Set.of("endmacro"));
        closeBlock("endmacro");
        return new Node.Macro(name, params, defaults, body);
    }

    private void closeBlock(String tag) {
        next();
        Token t = next();
        if (!t.isName(tag)) {
            throw JinjaException.syntax(t.line(), "expected '" + tag + "'");
        }
        endTag();
    }

    private void endTag() {
        expect(Type.BLOCK_END, "end of block tag '%}'");
    }

    // ---- expressions ----

    /** An expression or an unparenthesised tuple {@code a, b}. */
    private Expr tuple(boolean withConditional) {
        Expr first = expression(withConditional);
        if (!peek().isOp(",")) {
            return first;
        }
        List<Expr> items = new ArrayList<>(List.of(first));
        while (accept(",")) {
            if (isTupleEnd()) {
                break;
            }
            items.add(expression(withConditional));
        }
        return new Expr.TupleLit(items);
    }

    private boolean isTupleEnd() {
        Token t = peek();
        return t.type() == Type.VAR_END || t.type() == Type.BLOCK_END || t.isOp(")") || t.isName("if");
    }

    private Expr expression(boolean withConditional) {
        return withConditional ? conditional() : or();
    }

    private Expr conditional() {
        Expr expr = or();
        while (peek().isName("if")) {
            next();
            Expr test = or();
            Expr orElse = null;
            if (peek().isName("else")) {
                next();
                orElse = conditional();
            }
            expr = new Expr.Conditional(test, expr, orElse);
        }
        return expr;
    }

    private Expr or() {
        Expr left = and();
        while (peek().isName("or")) {
            next();
            left = new Expr.Binary("or", left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (peek().isName("and")) {
            next();
            left = new Expr.Binary("and", left, not());
        }
        return left;
    }

    private Expr not() {
        if (peek().isName("not")) {
            next();
            return new Expr.Unary("not", not());
        }
        return compare();
    }

    private Expr compare() {
        Expr first = math1();
        List<String> ops = new ArrayList<>();
        List<Expr> rest = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.type() == Type.OPERATOR && COMPARE_OPS.contains(t.value())) {
                next();
                ops.add(t.value());
            } else if (t.isName("in")) {
                next();
                ops.add("in");
            } else if (t.isName("not") && peekAhead(1).isName("in")) {
                next();
                next();
                ops.add("notin");
            } else {
                break;
            }
            rest.add(math1());
        }
        return ops.isEmpty() ? first : new Expr.Compare(first, ops, rest);
    }

    private Expr math1() {
        Expr left = concat();
        while (peek().isOp("+") || peek().isOp("-")) {
            String op = next().value();
            left = new Expr.Binary(op, left, concat());
        }
        return left;
    }

    private Expr concat() {
        Expr first = math2();
        if (!peek().isOp("~")) {
            return first;
        }
        List<Expr> parts = new ArrayList<>(List.of(first));
        while (accept("~")) {
            parts.add(math2());
        }
        return new Expr.Concat(parts);
    }

    private Expr math2() {
        Expr left = pow();
        while (peek().isOp("*") || peek().isOp("/") || peek().isOp("//") || peek().isOp("%")) {
            String op = next().value();
            left = new Expr.Binary(op, left, pow());
        }
        return left;
    }

    private Expr pow() {
        Expr left = unary(true);
        while (accept("**")) {
            left = new Expr.Binary("**", left, unary(true));
        }
        return left;
    }

    private Expr unary(boolean withFilter) {
        Expr node;
        if (peek().isOp("-") || peek().isOp("+")) {
            String op = next().value();
            node = new Expr.Unary(op, unary(false));
        } else {
            node = primary();
        }
        node = postfix(node);
        return withFilter ? filterChain(node) : node;
    }

    private Expr primary() {
        Token t = next();
        return switch (t.type()) {
            case NAME -> switch (t.value()) {
                case "true", "True" -> new Expr.Const(Boolean.TRUE);
                case "false", "False" -> new Expr.Const(Boolean.FALSE);
                case "none", "None" -> new Expr.Const(null);
                default -> new Expr.Name(t.value());
            };
            case STRING -> {
                StringBuilder s = new StringBuilder(t.value());
                while (peek().type() == Type.STRING) { // adjacent literals concatenate, as in Python
                    s.append(next().value());
                }
                yield new Expr.Const(s.toString());
            }
            case INTEGER -> new Expr.Const(Long.parseLong(t.value()));
            case FLOAT -> new Expr.Const(Double.parseDouble(t.value()));
            case OPERATOR -> switch (t.value()) {
                case "(" -> {
                    if (accept(")")) {
                        yield new Expr.TupleLit(List.of());
                    }
                    Expr e = tuple(true);
                    expectOp(")");
                    yield e;
                }
                case "[" -> {
                    List<Expr> items = new ArrayList<>();
                    while (!accept("]")) {
                        if (!items.isEmpty()) {
                            expectOp(",");
                            if (accept("]")) {
                                break;
                            }
                        }
                        items.add(expression(true));
                    }
                    yield new Expr.ListLit(items);
                }
                case "{" -> {
                    List<Expr> keys = new ArrayList<>();
                    List<Expr> values = new ArrayList<>();
                    while (!accept("}")) {
                        if (!keys.isEmpty()) {
                            expectOp(",");
                            if (accept("}")) {
                                break;
                            }
                        }
                        keys.add(expression(true));
                        expectOp(":");
                        values.add(expression(true));
                    }
                    yield new Expr.DictLit(keys, values);
                }
                default -> throw JinjaException.syntax(t.line(), "unexpected '" + t.value() + "'");
            };
            default -> throw JinjaException.syntax(t.line(), "unexpected " + t);
        };
    }

    private Expr postfix(Expr node) {
        while (true) {
            if (accept(".")) {
                Token t = next();
                if (t.type() == Type.NAME) {
                    node = new Expr.Attr(node, t.value());
                } else if (t.type() == Type.INTEGER) {
                    node = new Expr.Item(node, new Expr.Const(Long.parseLong(t.value())));
                } else {
                    throw JinjaException.syntax(t.line(), "expected an attribute name after '.', got " + t);
                }
            } else if (accept("[")) {
                node = subscript(node);
            } else if (peek().isOp("(")) {
                node = call(node);
            } else {
                return node;
            }
        }
    }

    private Expr subscript(Expr obj) {
        Expr[] parts = new Expr[3];
        int part = 0;
        boolean isSlice = false;
        while (!accept("]")) {
            if (accept(":")) {
                isSlice = true;
                part++;
                if (part > 2) {
                    throw JinjaException.syntax(prev().line(), "too many ':' in slice");
                }
                continue;
            }
            parts[part] = expression(true);
        }
        if (!isSlice) {
            if (parts[0] == null) {
                throw JinjaException.syntax(prev().line(), "empty subscript");
            }
            return new Expr.Item(obj, parts[0]);
        }
        return new Expr.Slice(obj, parts[0], parts[1], parts[2]);
    }

    private Expr.Call call(Expr fn) {
        List<Expr> args = new ArrayList<>();
        List<String> kwNames = new ArrayList<>();
        List<Expr> kwValues = new ArrayList<>();
        arguments(args, kwNames, kwValues);
        return new Expr.Call(fn, args, kwNames, kwValues);
    }

    /** {@code (a, b, name=c)}: positional arguments first, then keywords, as Python requires. */
    private void arguments(List<Expr> args, List<String> kwNames, List<Expr> kwValues) {
        expectOp("(");
        boolean first = true;
        while (!accept(")")) {
            if (!first) {
                expectOp(",");
                if (accept(")")) {
                    break;
                }
            }
            first = false;
            if (peek().type() == Type.NAME && peekAhead(1).isOp("=")) {
                kwNames.add(next().value());
                next();
                kwValues.add(expression(true));
            } else {
                if (!kwNames.isEmpty()) {
                    throw JinjaException.syntax(peek().line(), "positional argument follows keyword argument");
                }
                args.add(expression(true));
            }
        }
    }

    /** {@code | filter} and {@code is test} after a value (Jinja2's {@code parse_filter_expr}). */
    private Expr filterChain(Expr node) {
        while (true) {
            if (accept("|")) {
                String name = dottedName();
                List<Expr> args = new ArrayList<>();
                List<String> kwNames = new ArrayList<>();
                List<Expr> kwValues = new ArrayList<>();
                if (peek().isOp("(")) {
                    arguments(args, kwNames, kwValues);
                }
                node = new Expr.Filter(node, name, args, kwNames, kwValues);
            } else if (node != null && peek().isName("is")) {
                next();
                boolean negated = false;
                if (peek().isName("not")) {
                    next();
                    negated = true;
                }
                String name = dottedName();
                List<Expr> args = new ArrayList<>();
                if (peek().isOp("(")) {
                    List<String> kwNames = new ArrayList<>();
                    arguments(args, kwNames, new ArrayList<>());
                } else if (startsTestArgument(peek())) {
                    args.add(postfix(primary()));
                }
                node = new Expr.Test(node, name, args, negated);
            } else if (node != null && peek().isOp("(")) {
                node = call(node);
            } else {
                return node;
            }
        }
    }

    private static boolean startsTestArgument(Token t) {
        return switch (t.type()) {
            case STRING, INTEGER, FLOAT -> true;
            case NAME -> !Set.of("else", "or", "and", "if", "is", "in", "not").contains(t.value());
            case OPERATOR -> t.value().equals("[") || t.value().equals("{");
            default -> false;
        };
    }

    private String dottedName() {
        StringBuilder name = new StringBuilder(expectName());
        while (peek().isOp(".") && peekAhead(1).type() == Type.NAME) {
            next();
            name.append('.').append(next().value());
        }
        return name.toString();
    }

    // ---- token helpers ----

    private Token peek() {
        return tokens.get(pos);
    }

    private Token peekAhead(int n) {
        return tokens.get(Math.min(pos + n, tokens.size() - 1));
    }

    private Token prev() {
        return tokens.get(Math.max(pos - 1, 0));
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.type() != Type.EOF) {
            pos++;
        }
        return t;
    }

    private boolean accept(String op) {
        if (peek().isOp(op)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expectOp(String op) {
        Token t = next();
        if (!t.isOp(op)) {
            throw JinjaException.syntax(t.line(), "expected '" + op + "', got " + t);
        }
    }

    private String expectName() {
        Token t = next();
        if (t.type() != Type.NAME) {
            throw JinjaException.syntax(t.line(), "expected a name, got " + t);
        }
        return t.value();
    }

    private void expect(Type type, String what) {
        Token t = next();
        if (t.type() != type) {
            throw JinjaException.syntax(t.line(), "expected " + what + ", got " + t);
        }
    }
}
