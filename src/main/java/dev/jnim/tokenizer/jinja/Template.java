package dev.jnim.tokenizer.jinja;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parsed Jinja template, rendered with Python Jinja2's semantics as Hugging Face transformers sets
 * the environment up for chat templates: {@code trim_blocks}, {@code lstrip_blocks}, immutable sandbox,
 * {@code loopcontrols}, globals {@code raise_exception}, {@code strftime_now}, {@code namespace},
 * {@code range}, {@code dict}. Immutable and thread-safe once parsed; each render has its own state.
 */
public final class Template {

    private final List<Node> body;
    private final Clock clock;

    private Template(List<Node> body, Clock clock) {
        this.body = body;
        this.clock = clock;
    }

    /**
     * Parses {@code source}.
     *
     * @throws JinjaException of kind {@code SYNTAX} with the line of the error
     */
    public static Template parse(String source) {
        return parse(source, Clock.systemDefaultZone());
    }

    /** Parses {@code source}; {@code strftime_now} reads {@code clock}. */
    public static Template parse(String source, Clock clock) {
        return new Template(Parser.parse(source), clock);
    }

    /**
     * Renders with {@code variables}: plain Java values (String, Number, Boolean, null, List, Map,
     * arrays) or Jackson {@code JsonNode} trees.
     *
     * @throws JinjaException {@code RAISED} for {@code raise_exception(msg)} (message verbatim),
     *                        {@code RUNTIME} for evaluation errors
     */
    public String render(Map<String, ?> variables) {
        Scope globals = new Scope(null);
        globals.set("raise_exception", (JinjaCallable) (args, kwargs) -> {
            throw new JinjaException(JinjaException.Kind.RAISED, args.isEmpty() ? "" : Values.str(args.get(0)));
        });
        globals.set("strftime_now", (JinjaCallable) (args, kwargs) ->
                Strftime.format(Values.str(Methods.arg(args, 0, "strftime_now")), ZonedDateTime.now(clock)));
        globals.set("namespace", (JinjaCallable) (args, kwargs) -> {
            Namespace ns = new Namespace();
            for (Object arg : args) {
                if (arg instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> ns.attributes.put(Values.str(k), v));
                }
            }
            ns.attributes.putAll(kwargs);
            return ns;
        });
        globals.set("range", (JinjaCallable) (args, kwargs) -> range(args));
        globals.set("dict", (JinjaCallable) (args, kwargs) -> new java.util.LinkedHashMap<Object, Object>(kwargs));
        Scope scope = new Scope(globals);
        variables.forEach((k, v) -> scope.set(k, Values.fromJava(v)));
        StringBuilder out = new StringBuilder();
        try {
            new Interpreter(scope).exec(body, scope, out);
        } catch (StackOverflowError e) {
            throw JinjaException.runtime("RecursionError: maximum recursion depth exceeded");
        }
        return out.toString();
    }

    private static List<Object> range(List<Object> args) {
        long start = 0;
        long stop;
        long step = 1;
        if (args.size() == 1) {
            stop = Values.toLong(args.get(0));
        } else if (args.size() >= 2) {
            start = Values.toLong(args.get(0));
            stop = Values.toLong(args.get(1));
            if (args.size() > 2) {
                step = Values.toLong(args.get(2));
            }
        } else {
            throw JinjaException.runtime("TypeError: range expected at least 1 argument, got 0");
        }
        if (step == 0) {
            throw JinjaException.runtime("ValueError: range() arg 3 must not be zero");
        }
        List<Object> out = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            if (out.size() > 100_000) { // the sandbox's MAX_RANGE
                throw JinjaException.runtime("OverflowError: range too big, maximum size for range is 100000");
            }
            out.add(i);
        }
        return out;
    }
}
