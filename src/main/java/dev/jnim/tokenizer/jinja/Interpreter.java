package dev.jnim.tokenizer.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks the AST with Python Jinja2's runtime semantics (default {@code Undefined}, Python operators,
 * {@code getattr}/{@code getitem} fallbacks, sandbox: only {@link Namespace} attributes are assignable).
 * One instance renders one template once; not shared between threads.
 */
final class Interpreter {

    /** Thrown by {@code break}/{@code continue}; carries no stack trace (control flow, not an error). */
    private static final class LoopSignal extends RuntimeException {
        final boolean isBreak;

        LoopSignal(boolean isBreak) {
            super(null, null, false, false);
            this.isBreak = isBreak;
        }
    }

    private static final LoopSignal BREAK = new LoopSignal(true);
    private static final LoopSignal CONTINUE = new LoopSignal(false);

    private final Scope root;

    Interpreter(Scope root) {
        this.root = root;
    }

    void exec(List<Node> nodes, Scope scope, StringBuilder out) {
        for (Node node : nodes) {
            exec(node, scope, out);
        }
    }

    private void exec(Node node, Scope scope, StringBuilder out) {
        switch (node) {
            case Node.Text t -> out.append(t.text());
            case Node.Output o -> out.append(Values.str(eval(o.expr(), scope)));
            case Node.If i -> {
                for (int k = 0; k < i.conditions().size(); k++) {
                    if (Values.truthy(eval(i.conditions().get(k), scope))) {
                        exec(i.bodies().get(k), scope, out);
                        return;
                    }
                }
                exec(i.orElse(), scope, out);
            }
            case Node.For f -> execFor(f, scope, out);
            case Node.Set s -> assign(s.target(), eval(s.value(), scope), scope);
            case Node.SetBlock s -> {
                StringBuilder captured = new StringBuilder();
                exec(s.body(), scope, captured);
                scope.set(s.name(), captured.toString());
            }
            case Node.Macro m -> scope.set(m.name(), macro(m));
            case Node.LoopControl c -> throw c.isBreak() ? BREAK : CONTINUE;
            case Node.FilterBlock f -> {
                StringBuilder captured = new StringBuilder();
                exec(f.body(), scope, captured);
                out.append(Values.str(applyFilterChain(f.filter(), captured.toString(), scope)));
            }
        }
    }

    private void execFor(Node.For f, Scope scope, StringBuilder out) {
        Object iterable = eval(f.iterable(), scope);
        if (iterable == null) {
            throw JinjaException.runtime("TypeError: 'NoneType' object is not iterable");
        }
        List<Object> items = Values.iterate(iterable);
        if (f.filter() != null) { // the filtered items are what loop.length and loop.last see
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope s = new Scope(scope);
                bindTargets(f.targets(), item, s);
                if (Values.truthy(eval(f.filter(), s))) {
                    kept.add(item);
                }
            }
            items = kept;
        }
        if (items.isEmpty()) {
            exec(f.orElse(), scope, out);
            return;
        }
        LoopInfo loop = new LoopInfo(items);
        for (int i = 0; i < items.size(); i++) {
            loop.index0 = i;
            Scope s = new Scope(scope);
            s.set("loop", loop);
            bindTargets(f.targets(), items.get(i), s);
            try {
                exec(f.body(), s, out);
            } catch (LoopSignal signal) {
                if (signal.isBreak) {
                    break;
                }
            }
        }
    }

    private static void bindTargets(List<String> targets, Object item, Scope s) {
        if (targets.size() == 1) {
            s.set(targets.get(0), item);
            return;
        }
        List<Object> parts = Values.iterate(item);
        if (parts.size() != targets.size()) {
            throw JinjaException.runtime("ValueError: cannot unpack " + parts.size() + " values into " + targets.size());
        }
        for (int i = 0; i < targets.size(); i++) {
            s.set(targets.get(i), parts.get(i));
        }
    }

    private void assign(Expr target, Object value, Scope scope) {
        switch (target) {
            case Expr.Name n -> scope.set(n.name(), value);
            case Expr.Attr a -> {
                Object obj = eval(a.obj(), scope);
                if (!(obj instanceof Namespace ns)) {
                    throw JinjaException.runtime("TemplateRuntimeError: cannot assign attribute on non-namespace object");
                }
                ns.attributes.put(a.attr(), value);
            }
            case Expr.TupleLit t -> {
                List<Object> parts = Values.iterate(value);
                if (parts.size() != t.items().size()) {
                    throw JinjaException.runtime("ValueError: cannot unpack " + parts.size() + " values into " + t.items().size());
                }
                for (int i = 0; i < parts.size(); i++) {
                    assign(t.items().get(i), parts.get(i), scope);
                }
            }
            default -> throw JinjaException.runtime("TemplateSyntaxError: cannot assign to " + target);
        }
    }

    private JinjaCallable macro(Node.Macro m) {
        return (args, kwargs) -> {
            Scope s = new Scope(root);
            int firstDefault = m.params().size() - m.defaults().size();
            for (int i = 0; i < m.params().size(); i++) {
                String p = m.params().get(i);
                if (i < args.size()) {
                    s.set(p, args.get(i));
                } else if (kwargs.containsKey(p)) {
                    s.set(p, kwargs.get(p));
                } else if (i >= firstDefault) {
                    s.set(p, eval(m.defaults().get(i - firstDefault), s));
                } else {
                    s.set(p, Undefined.name(p));
                }
            }
            StringBuilder out = new StringBuilder();
            exec(m.body(), s, out);
            return out.toString();
        };
    }

    // ---- expressions ----

    Object eval(Expr e, Scope scope) {
        return switch (e) {
            case Expr.Const c -> c.value();
            case Expr.Name n -> scope.has(n.name()) ? scope.get(n.name()) : Undefined.name(n.name());
            case Expr.Attr a -> Access.attribute(eval(a.obj(), scope), a.attr());
            case Expr.Item i -> Access.item(eval(i.obj(), scope), eval(i.key(), scope));
            case Expr.Slice s -> Access.slice(eval(s.obj(), scope), optional(s.start(), scope),
                    optional(s.stop(), scope), optional(s.step(), scope));
            case Expr.Call c -> call(c, scope);
            case Expr.Filter f -> applyFilter(f, f.value() == null ? null : eval(f.value(), scope), scope);
            case Expr.Test t -> {
                boolean result = Tests.apply(t.name(), eval(t.value(), scope), evalAll(t.args(), scope), this);
                yield t.negated() != result;
            }
            case Expr.Binary b -> switch (b.op()) {
                case "and" -> {
                    Object left = eval(b.left(), scope);
                    yield Values.truthy(left) ? eval(b.right(), scope) : left;
                }
                case "or" -> {
                    Object left = eval(b.left(), scope);
                    yield Values.truthy(left) ? left : eval(b.right(), scope);
                }
                default -> Operators.binary(b.op(), eval(b.left(), scope), eval(b.right(), scope));
            };
            case Expr.Unary u -> Operators.unary(u.op(), eval(u.operand(), scope));
            case Expr.Concat c -> {
                StringBuilder b = new StringBuilder();
                for (Expr part : c.parts()) {
                    b.append(Values.str(eval(part, scope)));
                }
                yield b.toString();
            }
            case Expr.Compare c -> compare(c, scope);
            case Expr.Conditional c -> Values.truthy(eval(c.test(), scope)) ? eval(c.then(), scope)
                    : c.orElse() == null ? new Undefined("the inline if-expression evaluated to false and no else section was defined")
                    : eval(c.orElse(), scope);
            case Expr.ListLit l -> evalAll(l.items(), scope);
            case Expr.TupleLit t -> new Tuple(evalAll(t.items(), scope));
            case Expr.DictLit d -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) {
                    map.put(eval(d.keys().get(i), scope), eval(d.values().get(i), scope));
                }
                yield map;
            }
        };
    }

    private Object optional(Expr e, Scope scope) {
        return e == null ? null : eval(e, scope);
    }

    List<Object> evalAll(List<Expr> exprs, Scope scope) {
        List<Object> out = new ArrayList<>(exprs.size());
        for (Expr e : exprs) {
            out.add(eval(e, scope));
        }
        return out;
    }

    private Map<String, Object> kwargs(List<String> names, List<Expr> values, Scope scope) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), eval(values.get(i), scope));
        }
        return out;
    }

    private Object call(Expr.Call c, Scope scope) {
        Object fn = eval(c.fn(), scope);
        List<Object> args = evalAll(c.args(), scope);
        Map<String, Object> kwargs = kwargs(c.kwNames(), c.kwValues(), scope);
        return callValue(fn, args, kwargs);
    }

    static Object callValue(Object fn, List<Object> args, Map<String, Object> kwargs) {
        if (fn instanceof JinjaCallable callable) {
            return callable.call(args, kwargs);
        }
        if (fn instanceof Undefined u) {
            throw u.fail();
        }
        throw JinjaException.runtime("TypeError: '" + Values.typeName(fn) + "' object is not callable");
    }

    /** Applies a filter block's chain, innermost first, to the captured body {@code input}. */
    private Object applyFilterChain(Expr filterExpr, Object input, Scope scope) {
        if (!(filterExpr instanceof Expr.Filter f)) {
            return input;
        }
        return applyFilter(f, f.value() == null ? input : applyFilterChain(f.value(), input, scope), scope);
    }

    private Object applyFilter(Expr.Filter f, Object value, Scope scope) {
        return Filters.apply(f.name(), value, evalAll(f.args(), scope), kwargs(f.kwNames(), f.kwValues(), scope), this);
    }

    private Object compare(Expr.Compare c, Scope scope) {
        Object left = eval(c.first(), scope);
        for (int i = 0; i < c.ops().size(); i++) {
            Object right = eval(c.rest().get(i), scope);
            boolean ok = switch (c.ops().get(i)) {
                case "==" -> Values.pyEquals(left, right);
                case "!=" -> !Values.pyEquals(left, right);
                case "<" -> Values.compare(left, right) < 0;
                case "<=" -> Values.compare(left, right) <= 0;
                case ">" -> Values.compare(left, right) > 0;
                case ">=" -> Values.compare(left, right) >= 0;
                case "in" -> Operators.contains(right, left);
                case "notin" -> !Operators.contains(right, left);
                default -> throw new IllegalStateException(c.ops().get(i));
            };
            if (!ok) {
                return false;
            }
            left = right;
        }
        return true;
    }
}
