package dev.jnim.engine;

import java.util.Map;

/**
 * How to pick the next token, with the OpenAI / vLLM meaning of each field.
 *
 * @param temperature       0 means greedy (argmax); otherwise logits are divided by it
 * @param topK              keep the k most likely tokens; 0 or negative = all
 * @param topP              keep the smallest set of most likely tokens whose mass reaches p; 1 = all
 * @param minP              drop tokens whose probability is below minP × the top probability; 0 = off
 * @param seed              per-request seed: the same seed gives the same tokens; null = random
 * @param repetitionPenalty HF/vLLM: logits of tokens seen in prompt or output are divided (if
 *                          positive) or multiplied (if negative) by it; 1 = off
 * @param frequencyPenalty  OpenAI: subtract {@code penalty × count} for each token generated so far
 * @param presencePenalty   OpenAI: subtract {@code penalty} once for each token generated so far
 * @param logitBias         OpenAI: added to the logit of each listed token id
 * @param logprobs          return the chosen token's log-probability
 * @param topLogprobs       also return this many most likely alternatives (0–20)
 */
public record SamplingParams(double temperature, int topK, double topP, double minP, Long seed,
                             double repetitionPenalty, double frequencyPenalty, double presencePenalty,
                             Map<Integer, Double> logitBias, boolean logprobs, int topLogprobs) {

    public static final SamplingParams GREEDY = new SamplingParams(0, 0, 1, 0, null, 1, 0, 0, Map.of(), false, 0);

    public SamplingParams {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("min_p must be in [0, 1], got " + minP);
        }
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetition_penalty must be > 0, got " + repetitionPenalty);
        }
        if (!(Math.abs(frequencyPenalty) <= 2)) {
            throw new IllegalArgumentException("frequency_penalty must be in [-2, 2], got " + frequencyPenalty);
        }
        if (!(Math.abs(presencePenalty) <= 2)) {
            throw new IllegalArgumentException("presence_penalty must be in [-2, 2], got " + presencePenalty);
        }
        if (topLogprobs < 0 || topLogprobs > 20) {
            throw new IllegalArgumentException("top_logprobs must be in [0, 20], got " + topLogprobs);
        }
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
    }

    public boolean greedy() {
        return temperature == 0;
    }

    public boolean hasPenalties() {
        return repetitionPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0;
    }

    public SamplingParams withSeed(Long newSeed) {
        return new SamplingParams(temperature, topK, topP, minP, newSeed, repetitionPenalty, frequencyPenalty,
                presencePenalty, logitBias, logprobs, topLogprobs);
    }

    /** Plain temperature sampling with everything else off. */
    public static SamplingParams temperature(double t, Long seed) {
        return new SamplingParams(t, 0, 1, 0, seed, 1, 0, 0, Map.of(), false, 0);
    }
}
