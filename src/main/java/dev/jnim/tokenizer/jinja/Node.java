package dev.jnim.tokenizer.jinja;

import java.util.List;

/** Template statements (Jinja2's {@code nodes.Stmt} subset that chat templates use). */
sealed interface Node {

    /** Literal template text. */
    record Text(String text) implements Node {
    }

    /** {@code {{ expr }}}. */
    record Output(Expr expr) implements Node {
    }

    /** {@code if / elif / else}: {@code conditions[i]} guards {@code bodies[i]}. */
    record If(List<Expr> conditions, List<List<Node>> bodies, List<Node> orElse) implements Node {
    }

    /** {@code for targets in iterable [if filter]} with an optional {@code else} (run when nothing was iterated). */
    record For(List<String> targets, Expr iterable, Expr filter, List<Node> body, List<Node> orElse) implements Node {
    }

    /** {@code set target = value}; the target is a name, a tuple of names or {@code namespace.attr}. */
    record Set(Expr target, Expr value) implements Node {
    }

    /** {@code set name}...{@code endset}: captures the rendered body. */
    record SetBlock(String name, List<Node> body) implements Node {
    }

    /** {@code macro name(params)}; {@code defaults} align with the last parameters. */
    record Macro(String name, List<String> params, List<Expr> defaults, List<Node> body) implements Node {
    }

    /** {@code break} / {@code continue} (Jinja2's loopcontrols extension, enabled by transformers). */
    record LoopControl(boolean isBreak) implements Node {
    }

    /** {@code filter name}...{@code endfilter}: applies filters to the rendered body. */
    record FilterBlock(Expr filter, List<Node> body) implements Node {
    }
}
