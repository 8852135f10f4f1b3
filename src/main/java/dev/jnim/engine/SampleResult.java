package dev.jnim.engine;

/**
 * A sampled token with, when asked for, its log-probability and the most likely alternatives
 * (ids and log-probabilities, most likely first).
 */
public record SampleResult(int token, float logprob, int[] topIds, float[] topLogprobs) {
}
