package dev.jnim.tokenizer.jinja;

import java.util.List;
import java.util.Map;

/** Anything a template can call: globals ({@code raise_exception}, {@code namespace}), macros, bound methods. */
@FunctionalInterface
interface JinjaCallable {

    Object call(List<Object> args, Map<String, Object> kwargs);
}
