package dev.jnim.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated {@code POST /v1/completions} body: one or more prompts (text or token ids), each
 * answered with {@code n} choices.
 *
 * @param echo put the prompt text in front of each choice's text
 */
public record CompletionRequest(String model, List<Prompt> prompts, GenerationOptions options, boolean echo) {

    /** Most prompts in one request. */
    public static final int MAX_PROMPTS = 64;

    /** A prompt as given: text to tokenize, or token ids to use as they are. */
    public sealed interface Prompt {
        /** Text, tokenized with the model's special tokens (BOS) added. */
        record Text(String text) implements Prompt {
        }

        /** Token ids, used as they are. */
        record Tokens(int[] ids) implements Prompt {
        }
    }

    public static CompletionRequest parse(JsonNode root, int vocabSize) {
        if (!root.isObject()) {
            throw ApiException.badRequest(null, "the request body must be a JSON object");
        }
        String model = Fields.requireString(root, "model");
        if (Fields.get(root, "suffix") != null) {
            throw ApiException.notSupportedYet("suffix", "suffix is");
        }
        JsonNode rf = Fields.get(root, "response_format");
        if (rf != null && !"text".equals(rf.path("type").asText())) {
            throw ApiException.notSupportedYet("response_format", "response_format other than text is");
        }
        List<Prompt> prompts = prompts(Fields.get(root, "prompt"), vocabSize);
        GenerationOptions options = GenerationOptions.parse(root, false, vocabSize);
        if ((long) prompts.size() * options.n() > GenerationOptions.MAX_N) {
            throw ApiException.badRequest("n", "prompts × n must be at most " + GenerationOptions.MAX_N);
        }
        Boolean echo = Fields.optBool(root, "echo", "echo");
        return new CompletionRequest(model, prompts, options, echo != null && echo);
    }

    private static List<Prompt> prompts(JsonNode p, int vocabSize) {
        String expected = "a string, a list of strings, a list of token ids or a list of token-id lists";
        if (p == null) {
            throw ApiException.badRequest("prompt", "'prompt' is required");
        }
        List<Prompt> out = new ArrayList<>();
        if (p.isTextual()) {
            out.add(new Prompt.Text(p.asText()));
        } else if (p.isArray() && !p.isEmpty() && p.get(0).isNumber()) {
            out.add(tokens(p, vocabSize));
        } else if (p.isArray() && !p.isEmpty()) {
            for (JsonNode e : p) {
                if (e.isTextual()) {
                    out.add(new Prompt.Text(e.asText()));
                } else if (e.isArray() && !e.isEmpty()) {
                    out.add(tokens(e, vocabSize));
                } else {
                    throw Fields.wrongType("prompt", expected, p);
                }
            }
        } else {
            throw p.isArray() ? ApiException.badRequest("prompt", "'prompt' must not be empty")
                    : Fields.wrongType("prompt", expected, p);
        }
        if (out.size() > MAX_PROMPTS) {
            throw ApiException.badRequest("prompt", "'prompt' may hold at most " + MAX_PROMPTS + " prompts");
        }
        for (Prompt x : out) {
            if (x instanceof Prompt.Text t && t.text().isEmpty()) {
                throw ApiException.badRequest("prompt", "'prompt' must not be empty");
            }
        }
        return out;
    }

    private static Prompt.Tokens tokens(JsonNode list, int vocabSize) {
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) Fields.toLong(list.get(i), "prompt", 0, vocabSize - 1);
        }
        return new Prompt.Tokens(ids);
    }
}
