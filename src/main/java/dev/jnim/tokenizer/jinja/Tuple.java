package dev.jnim.tokenizer.jinja;

import java.util.AbstractList;
import java.util.List;

/** A Python tuple: a list that prints as {@code (a, b)} (e.g. the pairs of {@code dict.items()}). */
final class Tuple extends AbstractList<Object> {

    private final List<Object> items;

    Tuple(List<Object> items) {
        this.items = items;
    }

    @Override
    public Object get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }
}
