package dev.jnim.model;

import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.DType;

/**
 * How to load a model: the compute pool to run on and an optional load-time quantisation of the
 * linear layers ({@code null} keeps the checkpoint's dtype).
 */
public record LoadOptions(ComputePool pool, DType quantize) {

    public LoadOptions {
        if (pool == null) {
            throw new IllegalArgumentException("a compute pool is required");
        }
        if (quantize != null && quantize != DType.Q8_0) {
            throw new IllegalArgumentException("load-time quantisation supports q8_0 only, got " + quantize);
        }
    }

    public static LoadOptions of(ComputePool pool) {
        return new LoadOptions(pool, null);
    }
}
