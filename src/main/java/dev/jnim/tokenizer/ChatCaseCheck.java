package dev.jnim.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks one chat-template case line: the rendered string byte for byte, or the error (same message for
 * {@code raise_exception}, any template error for an engine error), and the ids of the rendered prompt.
 * Divergent cases are judged by what Python Jinja2 did ({@code python_jinja2}), as NIM and vLLM run it.
 */
final class ChatCaseCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatCaseCheck() {
    }

    static List<String> check(JsonNode c, boolean divergent, Tokenizer tok) {
        List<String> out = new ArrayList<>();
        JsonNode expect = divergent ? c.get("python_jinja2") : c;
        String expectedText = expect.path("rendered").isTextual() ? expect.get("rendered").asText() : null;
        String expectedError = expect.path("error").isTextual() ? expect.get("error").asText() : null;
        String errorKind = expect.path("error_kind").isTextual() ? expect.get("error_kind").asText() : null;

        Map<String, Object> vars = new LinkedHashMap<>();
        if (c.path("variables").isObject()) {
            vars.putAll(toMap(c.get("variables")));
        }
        vars.put("messages", JSON.convertValue(c.get("messages"), Object.class));
        vars.put("add_generation_prompt", c.path("add_generation_prompt").asBoolean(false));
        String rendered;
        try {
            rendered = ChatTemplate.compile(c.get("template").asText()).render(vars);
        } catch (ChatTemplateException e) {
            if (expectedText != null) {
                out.add(CaseMismatch.describe("rendered", expectedText, "error: " + e.getMessage()));
            } else if ("raise_exception".equals(errorKind)) {
                if (e.kind() != ChatTemplateException.Kind.RAISED || !e.getMessage().equals(expectedError)) {
                    out.add(CaseMismatch.describe("raise_exception", expectedError, e.kind() + ": " + e.getMessage()));
                }
            } else if (e.kind() == ChatTemplateException.Kind.RAISED) {
                out.add(CaseMismatch.describe("engine error", expectedError, "raise_exception: " + e.getMessage()));
            }
            return out;
        }
        if (expectedText == null) {
            out.add(CaseMismatch.describe(errorKind + " error", expectedError, "rendered " + rendered));
            return out;
        }
        if (!expectedText.equals(rendered)) {
            out.add(CaseMismatch.describe("rendered", expectedText, rendered));
        }
        if (!divergent && tok != null && c.path("ids").isArray()) {
            int[] ids = tok.encode(rendered, false);
            int[] expected = TokenizerCaseCheck.ints(c.get("ids"));
            if (!Arrays.equals(expected, ids)) {
                out.add(CaseMismatch.describe("ids", Arrays.toString(expected), Arrays.toString(ids)));
            }
            if (c.path("ids_with_special").isArray()) {
                int[] special = tok.encode(rendered, true);
                int[] expectedSpecial = TokenizerCaseCheck.ints(c.get("ids_with_special"));
                if (!Arrays.equals(expectedSpecial, special)) {
                    out.add(CaseMismatch.describe("ids_with_special", Arrays.toString(expectedSpecial), Arrays.toString(special)));
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toMap(JsonNode node) {
        return JSON.convertValue(node, Map.class);
    }
}
