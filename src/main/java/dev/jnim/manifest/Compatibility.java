package dev.jnim.manifest;

import java.util.List;

/** How a profile fits the detected hardware, in the three groups of {@code list-model-profiles}. */
public sealed interface Compatibility {

    /** Compatible and enough memory; {@code gpus} are the chosen GPU indices (empty for CPU profiles). */
    record Runnable(List<Integer> gpus) implements Compatibility {}

    /** The hardware fits but memory is short; {@code requirement} is the text NIM prints in brackets. */
    record LowMemory(String requirement) implements Compatibility {}

    /** The hardware does not fit; {@code reason} says why. */
    record Incompatible(String reason) implements Compatibility {}

    default boolean isRunnable() {
        return this instanceof Runnable;
    }
}
