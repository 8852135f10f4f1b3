package dev.jnim.tokenizer.jinja;

import java.util.List;

/** Template expressions (Jinja2's {@code nodes.Expr} subset). */
sealed interface Expr {

    /** A literal: string, integer (Long), float (Double), boolean or none (null). */
    record Const(Object value) implements Expr {
    }

    /** A variable. */
    record Name(String name) implements Expr {
    }

    /** {@code obj.attr}: attribute first, then item, as Jinja2's {@code getattr}. */
    record Attr(Expr obj, String attr) implements Expr {
    }

    /** {@code obj[key]}: item first, then attribute, as Jinja2's {@code getitem}. */
    record Item(Expr obj, Expr key) implements Expr {
    }

    /** {@code obj[start:stop:step]}; absent parts are null. */
    record Slice(Expr obj, Expr start, Expr stop, Expr step) implements Expr {
    }

    /** {@code fn(args, name=value)}. */
    record Call(Expr fn, List<Expr> args, List<String> kwNames, List<Expr> kwValues) implements Expr {
    }

    /** {@code value | name(args)}; {@code value} is null inside a {@code filter} block. */
    record Filter(Expr value, String name, List<Expr> args, List<String> kwNames, List<Expr> kwValues) implements Expr {
    }

    /** {@code value is [not] name(args)}. */
    record Test(Expr value, String name, List<Expr> args, boolean negated) implements Expr {
    }

    /** Arithmetic and {@code and}/{@code or}: {@code + - * / // % ** and or}. */
    record Binary(String op, Expr left, Expr right) implements Expr {
    }

    /** {@code not}, unary {@code -} and {@code +}. */
    record Unary(String op, Expr operand) implements Expr {
    }

    /** {@code ~}: string concatenation of all parts. */
    record Concat(List<Expr> parts) implements Expr {
    }

    /** Chained comparison {@code a < b == c}, operators {@code == != < <= > >= in notin}. */
    record Compare(Expr first, List<String> ops, List<Expr> rest) implements Expr {
    }

    /** {@code then if test else orElse}; a missing else gives undefined. */
    record Conditional(Expr test, Expr then, Expr orElse) implements Expr {
    }

    /** {@code [a, b]}. */
    record ListLit(List<Expr> items) implements Expr {
    }

    /** {@code (a, b)} or {@code a, b}. */
    record TupleLit(List<Expr> items) implements Expr {
    }

    /** {@code {k: v}}. */
    record DictLit(List<Expr> keys, List<Expr> values) implements Expr {
    }
}
