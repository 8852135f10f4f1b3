package dev.jnim.tokenizer.jinja;

import dev.jnim.tokenizer.jinja.Token.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser from tokens to {@link Node}s: the statements ({@code if}, {@code for},
 * {@code set}, {@code macro}, ...); expressions are {@link ExpressionParser}'s.
 */
final class Parser {

    private final TokenStream in;
    private final ExpressionParser expr;

    private Parser(List<Token> tokens) {
        this.in = new TokenStream(tokens);
        this.expr = new ExpressionParser(in);
    }

    static List<Node> parse(String source) {
        Parser p = new Parser(Lexer.tokenize(source));
        List<Node> body = p.body(Set.of());
        if (p.in.peek().type() != Type.EOF) {
            Token t = p.in.peek();
            throw JinjaException.syntax(t.line(), "unexpected '" + p.in.peekAhead(1).value() + "' tag");
        }
        return body;
    }

    // ---- statements ----

    /** Parses nodes until a block tag whose name is in {@code ends} (left unconsumed) or EOF. */
    private List<Node> body(Set<String> ends) {
        List<Node> nodes = new ArrayList<>();
        while (true) {
            Token t = in.peek();
            switch (t.type()) {
                case EOF -> {
                    if (!ends.isEmpty()) {
                        throw JinjaException.syntax(t.line(), "unexpected end of template, expected one of " + ends);
                    }
                    return nodes;
                }
                case TEXT -> {
                    in.next();
                    nodes.add(new Node.Text(t.value()));
                }
                case VAR_BEGIN -> {
                    in.next();
                    Expr e = expr.tuple(true);
                    in.expect(Type.VAR_END, "'}}'");
                    nodes.add(new Node.Output(e));
                }
                case BLOCK_BEGIN -> {
                    Token name = in.peekAhead(1);
                    if (name.type() != Type.NAME) {
                        throw JinjaException.syntax(name.line(), "expected a tag name, got " + name);
                    }
                    if (ends.contains(name.value())) {
                        return nodes;
                    }
                    in.next();
                    in.next();
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
                String filterName = expr.dottedName();
                List<Expr> args = new ArrayList<>();
                List<String> kwNames = new ArrayList<>();
                List<Expr> kwValues = new ArrayList<>();
                if (in.peek().isOp("(")) {
                    expr.arguments(args, kwNames, kwValues);
                }
                Expr filter = expr.filterChain(new Expr.Filter(null, filterName, args, kwNames, kwValues));
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
        conditions.add(expr.tuple(true));
        endTag();
        bodies.add(body(Set.of("elif", "else", "endif")));
        while (true) {
            in.next(); // BLOCK_BEGIN
            String tag = in.next().value();
            switch (tag) {
                case "elif" -> {
                    conditions.add(expr.tuple(true));
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
            targets.add(in.expectName());
        } while (in.accept(","));
        if (!in.next().isName("in")) {
            throw JinjaException.syntax(in.prev().line(), "expected 'in' in for loop");
        }
        Expr iterable = expr.tuple(false);
        Expr filter = null;
        if (in.peek().isName("if")) {
            in.next();
            filter = expr.expression(true);
        }
        if (in.peek().isName("recursive")) {
            throw JinjaException.syntax(in.peek().line(), "recursive for loops are not supported");
        }
        endTag();
        List<Node> body = body(Set.of("else", "endfor"));
        List<Node> orElse = List.of();
        in.next();
        if (in.next().value().equals("else")) {
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
        if (in.peek().isOp(",")) {
            List<Expr> names = new ArrayList<>(List.of(target));
            while (in.accept(",")) {
                names.add(primaryTarget());
            }
            target = new Expr.TupleLit(names);
        }
        if (in.accept("=")) {
            Expr value = expr.tuple(true);
            endTag();
            return new Node.Set(target, value);
        }
        if (!(target instanceof Expr.Name name)) {
            throw JinjaException.syntax(in.peek().line(), "expected '=' in set");
        }
        endTag();
        List<Node> body = body(Set.of("endset"));
        closeBlock("endset");
        return new Node.SetBlock(name.name(), body);
    }

    private Expr primaryTarget() {
        Expr target = new Expr.Name(in.expectName());
        while (in.accept(".")) {
            target = new Expr.Attr(target, in.expectName());
        }
        return target;
    }

    private Node macro() {
        String name = in.expectName();
        in.expectOp("(");
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        while (!in.accept(")")) {
            if (!params.isEmpty()) {
                in.expectOp(",");
                if (in.accept(")")) {
                    break;
                }
            }
            params.add(in.expectName());
            if (in.accept("=")) {
                defaults.add(expr.expression(true));
            } else if (!defaults.isEmpty()) {
                throw JinjaException.syntax(in.prev().line(), "non-default argument follows default argument");
            }
        }
        endTag();
        List<Node> body = body(Set.of("endmacro"));
        closeBlock("endmacro");
        return new Node.Macro(name, params, defaults, body);
    }

    private void closeBlock(String tag) {
        in.next();
        Token t = in.next();
        if (!t.isName(tag)) {
            throw JinjaException.syntax(t.line(), "expected '" + tag + "'");
        }
        endTag();
    }

    private void endTag() {
        in.expect(Type.BLOCK_END, "end of block tag '%}'");
    }
}
