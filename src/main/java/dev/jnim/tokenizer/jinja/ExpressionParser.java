package dev.jnim.tokenizer.jinja;

import dev.jnim.tokenizer.jinja.Token.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses expressions with Jinja2's operator precedence ({@code jinja2/parser.py}): conditional &lt; or
 * &lt; and &lt; not &lt; comparison &lt; {@code + -} &lt; {@code ~} &lt; {@code * / // %} &lt; {@code **} &lt;
 * unary &lt; postfix ({@code . [] ()}) and then filters and tests, so {@code a + b | trim} is
 * {@code a + (b | trim)}.
 */
final class ExpressionParser {

    private static final Set<String> COMPARE_OPS = Set.of("==", "!=", "<", "<=", ">", ">=");

    private final TokenStream in;

    ExpressionParser(TokenStream in) {
        this.in = in;
    }

    /** An expression or an unparenthesised tuple {@code a, b}. */
    Expr tuple(boolean withConditional) {
        Expr first = expression(withConditional);
        if (!in.peek().isOp(",")) {
            return first;
        }
        List<Expr> items = new ArrayList<>(List.of(first));
        while (in.accept(",")) {
            if (isTupleEnd()) {
                break;
            }
            items.add(expression(withConditional));
        }
        return new Expr.TupleLit(items);
    }

    private boolean isTupleEnd() {
        Token t = in.peek();
        return t.type() == Type.VAR_END || t.type() == Type.BLOCK_END || t.isOp(")") || t.isName("if");
    }

    Expr expression(boolean withConditional) {
        return withConditional ? conditional() : or();
    }

    private Expr conditional() {
        Expr expr = or();
        while (in.peek().isName("if")) {
            in.next();
            Expr test = or();
            Expr orElse = null;
            if (in.peek().isName("else")) {
                in.next();
                orElse = conditional();
            }
            expr = new Expr.Conditional(test, expr, orElse);
        }
        return expr;
    }

    private Expr or() {
        Expr left = and();
        while (in.peek().isName("or")) {
            in.next();
            left = new Expr.Binary("or", left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (in.peek().isName("and")) {
            in.next();
            left = new Expr.Binary("and", left, not());
        }
        return left;
    }

    private Expr not() {
        if (in.peek().isName("not")) {
            in.next();
            return new Expr.Unary("not", not());
        }
        return compare();
    }

    private Expr compare() {
        Expr first = math1();
        List<String> ops = new ArrayList<>();
        List<Expr> rest = new ArrayList<>();
        while (true) {
            Token t = in.peek();
            if (t.type() == Type.OPERATOR && COMPARE_OPS.contains(t.value())) {
                in.next();
                ops.add(t.value());
            } else if (t.isName("in")) {
                in.next();
                ops.add("in");
            } else if (t.isName("not") && in.peekAhead(1).isName("in")) {
                in.next();
                in.next();
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
        while (in.peek().isOp("+") || in.peek().isOp("-")) {
            String op = in.next().value();
            left = new Expr.Binary(op, left, concat());
        }
        return left;
    }

    private Expr concat() {
        Expr first = math2();
        if (!in.peek().isOp("~")) {
            return first;
        }
        List<Expr> parts = new ArrayList<>(List.of(first));
        while (in.accept("~")) {
            parts.add(math2());
        }
        return new Expr.Concat(parts);
    }

    private Expr math2() {
        Expr left = pow();
        while (in.peek().isOp("*") || in.peek().isOp("/") || in.peek().isOp("//") || in.peek().isOp("%")) {
            String op = in.next().value();
            left = new Expr.Binary(op, left, pow());
        }
        return left;
    }

    private Expr pow() {
        Expr left = unary(true);
        while (in.accept("**")) {
            left = new Expr.Binary("**", left, unary(true));
        }
        return left;
    }

    private Expr unary(boolean withFilter) {
        Expr node;
        if (in.peek().isOp("-") || in.peek().isOp("+")) {
            String op = in.next().value();
            node = new Expr.Unary(op, unary(false));
        } else {
            node = primary();
        }
        node = postfix(node);
        return withFilter ? filterChain(node) : node;
    }

    private Expr primary() {
        Token t = in.next();
        return switch (t.type()) {
            case NAME -> switch (t.value()) {
                case "true", "True" -> new Expr.Const(Boolean.TRUE);
                case "false", "False" -> new Expr.Const(Boolean.FALSE);
                case "none", "None" -> new Expr.Const(null);
                default -> new Expr.Name(t.value());
            };
            case STRING -> {
                StringBuilder s = new StringBuilder(t.value());
                while (in.peek().type() == Type.STRING) { // adjacent literals concatenate, as in Python
                    s.append(in.next().value());
                }
                yield new Expr.Const(s.toString());
            }
            case INTEGER -> new Expr.Const(Long.parseLong(t.value()));
            case FLOAT -> new Expr.Const(Double.parseDouble(t.value()));
            case OPERATOR -> switch (t.value()) {
                case "(" -> {
                    if (in.accept(")")) {
                        yield new Expr.TupleLit(List.of());
                    }
                    Expr e = tuple(true);
                    in.expectOp(")");
                    yield e;
                }
                case "[" -> {
                    List<Expr> items = new ArrayList<>();
                    while (!in.accept("]")) {
                        if (!items.isEmpty()) {
                            in.expectOp(",");
                            if (in.accept("]")) {
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
                    while (!in.accept("}")) {
                        if (!keys.isEmpty()) {
                            in.expectOp(",");
                            if (in.accept("}")) {
                                break;
                            }
                        }
                        keys.add(expression(true));
                        in.expectOp(":");
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
            if (in.accept(".")) {
                Token t = in.next();
                if (t.type() == Type.NAME) {
                    node = new Expr.Attr(node, t.value());
                } else if (t.type() == Type.INTEGER) {
                    node = new Expr.Item(node, new Expr.Const(Long.parseLong(t.value())));
                } else if (t.type() == Type.FLOAT && t.value().matches("\\d+\\.\\d+")) {
                    // "x.0.1" lexes as x . 0.1; Jinja2 reads it as two index lookups
                    String[] parts = t.value().split("\\.");
                    node = new Expr.Item(new Expr.Item(node, new Expr.Const(Long.parseLong(parts[0]))),
                            new Expr.Const(Long.parseLong(parts[1])));
                } else {
                    throw JinjaException.syntax(t.line(), "expected an attribute name after '.', got " + t);
                }
            } else if (in.accept("[")) {
                node = subscript(node);
            } else if (in.peek().isOp("(")) {
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
        while (!in.accept("]")) {
            if (in.accept(":")) {
                isSlice = true;
                part++;
                if (part > 2) {
                    throw JinjaException.syntax(in.prev().line(), "too many ':' in slice");
                }
                continue;
            }
            parts[part] = expression(true);
        }
        if (!isSlice) {
            if (parts[0] == null) {
                throw JinjaException.syntax(in.prev().line(), "empty subscript");
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
    void arguments(List<Expr> args, List<String> kwNames, List<Expr> kwValues) {
        in.expectOp("(");
        boolean first = true;
        while (!in.accept(")")) {
            if (!first) {
                in.expectOp(",");
                if (in.accept(")")) {
                    break;
                }
            }
            first = false;
            if (in.peek().type() == Type.NAME && in.peekAhead(1).isOp("=")) {
                kwNames.add(in.next().value());
                in.next();
                kwValues.add(expression(true));
            } else {
                if (!kwNames.isEmpty()) {
                    throw JinjaException.syntax(in.peek().line(), "positional argument follows keyword argument");
                }
                args.add(expression(true));
            }
        }
    }

    /** {@code | filter} and {@code is test} after a value (Jinja2's {@code parse_filter_expr}). */
    Expr filterChain(Expr node) {
        while (true) {
            if (in.accept("|")) {
                String name = dottedName();
                List<Expr> args = new ArrayList<>();
                List<String> kwNames = new ArrayList<>();
                List<Expr> kwValues = new ArrayList<>();
                if (in.peek().isOp("(")) {
                    arguments(args, kwNames, kwValues);
                }
                node = new Expr.Filter(node, name, args, kwNames, kwValues);
            } else if (node != null && in.peek().isName("is")) {
                in.next();
                boolean negated = false;
                if (in.peek().isName("not")) {
                    in.next();
                    negated = true;
                }
                String name = dottedName();
                List<Expr> args = new ArrayList<>();
                if (in.peek().isOp("(")) {
                    List<String> kwNames = new ArrayList<>();
                    arguments(args, kwNames, new ArrayList<>());
                } else if (startsTestArgument(in.peek())) {
                    args.add(postfix(primary()));
                }
                node = new Expr.Test(node, name, args, negated);
            } else if (node != null && in.peek().isOp("(")) {
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

    String dottedName() {
        StringBuilder name = new StringBuilder(in.expectName());
        while (in.peek().isOp(".") && in.peekAhead(1).type() == Type.NAME) {
            in.next();
            name.append('.').append(in.next().value());
        }
        return name.toString();
    }

}
