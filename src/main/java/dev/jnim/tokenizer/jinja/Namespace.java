package dev.jnim.tokenizer.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/** Jinja2's {@code namespace(...)}: the one mutable object a template may assign attributes of. */
final class Namespace {

    final Map<String, Object> attributes = new LinkedHashMap<>();
}
