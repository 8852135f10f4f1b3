package dev.jnim.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The generation fields shared by chat and text completions, validated: sampling, stopping, how
 * many choices, logprobs, streaming, and NIM's {@code nvext} object (whose {@code top_k},
 * {@code repetition_penalty} and {@code ignore_eos} apply when the top-level field is absent).
 *
 * @param maxTokens        {@code max_completion_tokens} or {@code max_tokens}; null = up to the model length
 * @param topK             0 = off ({@code -1} in the request)
 * @param seed             null = random
 * @param logitBias        token id → bias in [-100, 100]
 * @param logprobs         return the chosen tokens' log-probabilities
 * @param topLogprobs      alternatives per token (0–20; completions' legacy integer {@code logprobs} lands here)
 * @param stop             stop strings (not included in the output)
 * @param includeUsage     {@code stream_options.include_usage}
 * @param user             the caller's end-user id (accepted, never logged)
 */
public record GenerationOptions(Integer maxTokens, double temperature, int topK, double topP, double minP, Long seed,
                                double repetitionPenalty, double frequencyPenalty, double presencePenalty,
                                Map<Integer, Double> logitBias, boolean logprobs, int topLogprobs, int n,
                                List<String> stop, Set<Integer> stopTokenIds, boolean ignoreEos,
                                boolean skipSpecialTokens, boolean stream, boolean includeUsage, String user) {

    /** Most choices one request may ask for. */
    public static final int MAX_N = 128;
    static final int MAX_STOPS = 64;

    /**
     * Reads the fields of a chat ({@code chat = true}: boolean {@code logprobs} + {@code top_logprobs})
     * or text completion request (integer {@code logprobs}, 0–5).
     *
     * @param vocabSize token ids in {@code logit_bias} and {@code stop_token_ids} must be below it
     */
    public static GenerationOptions parse(JsonNode root, boolean chat, int vocabSize) {
        JsonNode nvext = Fields.get(root, "nvext");
        if (nvext != null && !nvext.isObject()) {
            throw Fields.wrongType("nvext", "an object", nvext);
        }
        if (nvext != null) {
            for (String guided : List.of("guided_json", "guided_regex", "guided_choice", "guided_grammar")) {
                if (Fields.get(nvext, guided) != null) {
                    throw ApiException.notSupportedYet("nvext." + guided, "nvext." + guided + " (guided decoding) is");
                }
            }
        }
        Integer maxTokens = Fields.optInt(root, "max_completion_tokens", "max_completion_tokens", 1, Integer.MAX_VALUE);
        Integer legacyMax = Fields.optInt(root, "max_tokens", "max_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null) {
            maxTokens = legacyMax;
        }
        double temperature = orElse(Fields.optDouble(root, "temperature", "temperature", 0, Double.POSITIVE_INFINITY,
                false), 1.0);
        double topP = orElse(Fields.optDouble(root, "top_p", "top_p", 0, 1, true), 1.0);
        double minP = orElse(Fields.optDouble(root, "min_p", "min_p", 0, 1, false), 0.0);
        double freq = orElse(Fields.optDouble(root, "frequency_penalty", "frequency_penalty", -2, 2, false), 0.0);
        double pres = orElse(Fields.optDouble(root, "presence_penalty", "presence_penalty", -2, 2, false), 0.0);
        Integer topK = Fields.optInt(root, "top_k", "top_k", -1, Integer.MAX_VALUE);
        Double rep = Fields.optDouble(root, "repetition_penalty", "repetition_penalty", 0, 2, true);
        Boolean ignoreEos = Fields.optBool(root, "ignore_eos", "ignore_eos");
        if (nvext != null) {
            if (topK == null) {
                topK = Fields.optInt(nvext, "top_k", "nvext.top_k", -1, Integer.MAX_VALUE);
            }
            if (rep == null) {
                rep = Fields.optDouble(nvext, "repetition_penalty", "nvext.repetition_penalty", 0, 2, true);
            }
            if (ignoreEos == null) {
                ignoreEos = Fields.optBool(nvext, "ignore_eos", "nvext.ignore_eos");
            }
        }
        Long seed = Fields.optLong(root, "seed", "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        int n = orElse(Fields.optInt(root, "n", "n", 1, MAX_N), 1);
        Integer bestOf = Fields.optInt(root, "best_of", "best_of", 1, MAX_N);
        if (bestOf != null && bestOf != n) {
            throw ApiException.notSupportedYet("best_of", "best_of different from n is");
        }

        boolean logprobs;
        int topLogprobs;
        if (chat) {
            logprobs = orElse(Fields.optBool(root, "logprobs", "logprobs"), false);
            Integer top = Fields.optInt(root, "top_logprobs", "top_logprobs", 0, 20);
            if (top != null && top > 0 && !logprobs) {
                throw ApiException.badRequest("top_logprobs", "'top_logprobs' needs 'logprobs' set to true");
            }
            topLogprobs = top == null ? 0 : top;
        } else {
            Integer lp = Fields.optInt(root, "logprobs", "logprobs", 0, 5);
            logprobs = lp != null;
            topLogprobs = lp == null ? 0 : lp;
        }

        boolean stream = orElse(Fields.optBool(root, "stream", "stream"), false);
        boolean includeUsage = false;
        JsonNode so = Fields.get(root, "stream_options");
        if (so != null) {
            if (!so.isObject()) {
                throw Fields.wrongType("stream_options", "an object", so);
            }
            if (!stream) {
                throw ApiException.badRequest("stream_options", "'stream_options' is only allowed when 'stream' is true");
            }
            includeUsage = orElse(Fields.optBool(so, "include_usage", "stream_options.include_usage"), false);
        }
        return new GenerationOptions(maxTokens, temperature, topK == null || topK < 0 ? 0 : topK, topP, minP, seed,
                rep == null ? 1.0 : rep, freq, pres, logitBias(root, vocabSize), logprobs, topLogprobs, n,
                stops(root), stopTokenIds(root, vocabSize), ignoreEos != null && ignoreEos,
                orElse(Fields.optBool(root, "skip_special_tokens", "skip_special_tokens"), true), stream, includeUsage,
                Fields.optString(root, "user", "user"));
    }

    /** The seed of choice {@code i}: choices of one seeded request differ from each other but repeat across calls. */
    public Long seedOf(int choice) {
        return seed == null ? null : seed + choice;
    }

    private static Map<Integer, Double> logitBias(JsonNode root, int vocabSize) {
        JsonNode lb = Fields.get(root, "logit_bias");
        if (lb == null) {
            return Map.of();
        }
        if (!lb.isObject()) {
            throw Fields.wrongType("logit_bias", "an object mapping token ids to numbers", lb);
        }
        Map<Integer, Double> out = new LinkedHashMap<>();
        for (var it = lb.fields(); it.hasNext(); ) {
            var e = it.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey().trim());
            } catch (NumberFormatException ex) {
                throw ApiException.badRequest("logit_bias", "'logit_bias' keys must be token ids, got a non-number key");
            }
            if (id < 0 || id >= vocabSize) {
                throw ApiException.badRequest("logit_bias", "'logit_bias' token id " + id + " is outside [0, "
                        + vocabSize + ")");
            }
            JsonNode v = e.getValue();
            if (!v.isNumber() || !(Math.abs(v.asDouble()) <= 100)) {
                throw ApiException.badRequest("logit_bias", "'logit_bias' values must be numbers in [-100, 100], got "
                        + Fields.describe(v));
            }
            out.put(id, v.asDouble());
        }
        return out;
    }

    private static List<String> stops(JsonNode root) {
        JsonNode s = Fields.get(root, "stop");
        if (s == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (s.isTextual()) {
            out.add(s.asText());
        } else if (s.isArray()) {
            for (JsonNode e : s) {
                if (!e.isTextual()) {
                    throw Fields.wrongType("stop", "a string or a list of strings", s);
                }
                out.add(e.asText());
            }
        } else {
            throw Fields.wrongType("stop", "a string or a list of strings", s);
        }
        if (out.size() > MAX_STOPS) {
            throw ApiException.badRequest("stop", "'stop' may hold at most " + MAX_STOPS + " strings, got " + out.size());
        }
        if (out.stream().anyMatch(String::isEmpty)) {
            throw ApiException.badRequest("stop", "'stop' strings must not be empty");
        }
        return out;
    }

    private static Set<Integer> stopTokenIds(JsonNode root, int vocabSize) {
        JsonNode s = Fields.get(root, "stop_token_ids");
        if (s == null) {
            return Set.of();
        }
        if (!s.isArray()) {
            throw Fields.wrongType("stop_token_ids", "a list of token ids", s);
        }
        Set<Integer> out = new LinkedHashSet<>();
        for (JsonNode e : s) {
            out.add((int) Fields.toLong(e, "stop_token_ids", 0, vocabSize - 1));
        }
        return out;
    }

    private static <T> T orElse(T v, T dflt) {
        return v == null ? dflt : v;
    }
}
