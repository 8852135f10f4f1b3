package dev.jnim.loadgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a load generator needs from one streamed chunk of {@code /v1/chat/completions} or
 * {@code /v1/completions}; every other field is ignored, so any OpenAI-compatible server works.
 *
 * @param hasContent     some choice carries generated text: {@code delta.content} (chat),
 *                       {@code text} (completions), or {@code delta.reasoning_content} /
 *                       {@code delta.reasoning} (reasoning models, whose first tokens are
 *                       reasoning) — a role-only or empty first chunk is not a token
 * @param finished       some choice has a non-null {@code finish_reason}
 * @param completionTokens {@code usage.completion_tokens}, or -1 when absent
 * @param promptTokens   {@code usage.prompt_tokens}, or -1
 * @param cachedTokens   {@code usage.prompt_tokens_details.cached_tokens}, or -1
 * @param error          the message of an error object in the stream, or null
 */
public record StreamChunk(boolean hasContent, boolean finished, int completionTokens, int promptTokens,
                          int cachedTokens, String error) {

    /** Thrown when an event's data is not a JSON object. */
    public static final class MalformedChunkException extends Exception {
        MalformedChunkException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Parses the data of one event (not {@code [DONE]}). */
    public static StreamChunk parse(ObjectMapper json, String data) throws MalformedChunkException {
        JsonNode root;
        try {
            root = json.readTree(data);
        } catch (JsonProcessingException e) {
            throw new MalformedChunkException("not JSON: " + abbreviate(data), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedChunkException("not a JSON object: " + abbreviate(data), null);
        }
        String error = errorMessage(root);
        boolean content = false;
        boolean finished = false;
        for (JsonNode choice : root.path("choices")) {
            JsonNode delta = choice.path("delta");
            content |= nonEmpty(choice.path("text")) || nonEmpty(delta.path("content"))
                    || nonEmpty(delta.path("reasoning_content")) || nonEmpty(delta.path("reasoning"));
            JsonNode reason = choice.path("finish_reason");
            finished |= !reason.isMissingNode() && !reason.isNull();
        }
        JsonNode usage = root.path("usage");
        return new StreamChunk(content, finished, intOr(usage.path("completion_tokens")),
                intOr(usage.path("prompt_tokens")), intOr(usage.path("prompt_tokens_details").path("cached_tokens")),
                error);
    }

    /**
     * The message of an error object: OpenAI's {@code {"error":{"message":...}}} or vLLM's older
     * {@code {"object":"error","message":...}}; null when the object is not an error.
     */
    static String errorMessage(JsonNode root) {
        JsonNode err = root.path("error");
        if (err.isObject()) {
            return err.path("message").asText(err.toString());
        }
        if (err.isTextual()) {
            return err.asText();
        }
        if ("error".equals(root.path("object").asText())) {
            return root.path("message").asText(root.toString());
        }
        return null;
    }

    private static boolean nonEmpty(JsonNode n) {
        return n.isTextual() && !n.asText().isEmpty();
    }

    private static int intOr(JsonNode n) {
        return n.canConvertToInt() && n.isNumber() ? n.asInt() : -1;
    }

    static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
