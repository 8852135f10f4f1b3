package dev.jnim.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated {@code POST /v1/chat/completions} body. Messages are kept in the shape chat templates
 * read (role, content as a string, optional name / tool fields); text-only part lists are joined
 * with newlines as vLLM does for templates that expect string content.
 *
 * @param messages           the conversation, ready for {@code ChatTemplate.apply}
 * @param chatTemplateKwargs extra template variables ({@code chat_template_kwargs}), may be empty
 * @param addGenerationPrompt end the prompt with the assistant header (default true)
 */
public record ChatRequest(String model, List<Map<String, Object>> messages, GenerationOptions options,
                          Map<String, Object> chatTemplateKwargs, boolean addGenerationPrompt, List<ImageRef> images) {

    /** An image of the conversation, in order: its URL and the request field it came from. */
    public record ImageRef(String url, String field) {
    }

    // NIM also accepts images written into text content as <img src="..."/>.
    private static final java.util.regex.Pattern IMG_TAG =
            java.util.regex.Pattern.compile("<img\\s+src=\"([^\"]+)\"\\s*/?>");

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses and validates; throws {@link ApiException} (400) naming the field at fault. */
    public static ChatRequest parse(JsonNode root, int vocabSize) {
        if (!root.isObject()) {
            throw ApiException.badRequest(null, "the request body must be a JSON object");
        }
        String model = Fields.requireString(root, "model");
        JsonNode tools = Fields.get(root, "tools");
        if (tools != null && !(tools.isArray() && tools.isEmpty())) {
            throw ApiException.notSupportedYet("tools", "tools (function calling) are");
        }
        String toolChoice = root.path("tool_choice").isTextual() ? root.get("tool_choice").asText() : null;
        if (Fields.get(root, "tool_choice") != null && !"none".equals(toolChoice) && !"auto".equals(toolChoice)) {
            throw ApiException.notSupportedYet("tool_choice", "tool_choice (function calling) is");
        }
        JsonNode rf = Fields.get(root, "response_format");
        if (rf != null && !"text".equals(rf.path("type").asText())) {
            throw ApiException.notSupportedYet("response_format", "response_format other than text is");
        }
        List<ImageRef> images = new ArrayList<>();
        List<Map<String, Object>> messages = messages(root.get("messages"), images);
        Map<String, Object> kwargs = Map.of();
        JsonNode k = Fields.get(root, "chat_template_kwargs");
        if (k != null) {
            if (!k.isObject()) {
                throw Fields.wrongType("chat_template_kwargs", "an object", k);
            }
            kwargs = JSON.convertValue(k, JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class,
                    Object.class));
        }
        Boolean agp = Fields.optBool(root, "add_generation_prompt", "add_generation_prompt");
        return new ChatRequest(model, messages, GenerationOptions.parse(root, true, vocabSize), kwargs,
                agp == null || agp, List.copyOf(images));
    }

    private static List<Map<String, Object>> messages(JsonNode node, List<ImageRef> images) {
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("messages", "'messages' is required");
        }
        if (!node.isArray()) {
            throw Fields.wrongType("messages", "a list of messages", node);
        }
        if (node.isEmpty()) {
            throw ApiException.badRequest("messages", "'messages' must hold at least one message");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(message(node.get(i), "messages[" + i + "]", images));
        }
        return out;
    }

    private static Map<String, Object> message(JsonNode m, String where, List<ImageRef> images) {
        if (!m.isObject()) {
            throw Fields.wrongType(where, "an object", m);
        }
        String role = Fields.optString(m, "role", where + ".role");
        if (role == null || !ROLES.contains(role)) {
            throw ApiException.badRequest(where + ".role", "'" + where + ".role' must be one of "
                    + "system, developer, user, assistant, tool");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", role);
        JsonNode content = Fields.get(m, "content");
        if (content == null) {
            if (!role.equals("assistant")) {
                throw ApiException.badRequest(where + ".content", "'" + where + ".content' is required");
            }
            out.put("content", null);
        } else if (content.isTextual()) {
            out.put("content", textWithImages(content.asText(), where + ".content", images));
        } else if (content.isArray()) {
            out.put("content", parts(content, where + ".content", images));
        } else {
            throw Fields.wrongType(where + ".content", "a string or a list of content parts", content);
        }
        for (String passthrough : List.of("name", "tool_call_id", "tool_calls", "reasoning_content")) {
            JsonNode v = Fields.get(m, passthrough);
            if (v != null) {
                out.put(passthrough, v);
            }
        }
        return out;
    }

    /**
     * Content parts in template form. Text-only lists are joined with newlines (a plain string, as
     * vLLM passes them); with images, the list keeps {@code {"type":"text"}} and {@code {"type":"image"}}
     * parts in order, which is what VLM chat templates iterate over, and the URLs go to {@code images}.
     */
    private static Object parts(JsonNode list, String where, List<ImageRef> images) {
        List<Map<String, Object>> out = new ArrayList<>();
        boolean hasImage = false;
        for (int j = 0; j < list.size(); j++) {
            JsonNode p = list.get(j);
            String at = where + "[" + j + "]";
            if (!p.isObject()) {
                throw Fields.wrongType(at, "a content part object", p);
            }
            String type = Fields.optString(p, "type", at + ".type");
            if (type == null) {
                throw ApiException.badRequest(at + ".type", "'" + at + ".type' is required");
            }
            switch (type) {
                case "text" -> {
                    String t = Fields.optString(p, "text", at + ".text");
                    if (t == null) {
                        throw ApiException.badRequest(at + ".text", "'" + at + ".text' is required");
                    }
                    out.add(Map.of("type", "text", "text", t));
                }
                case "image_url", "image" -> {
                    JsonNode iu = p.get(type.equals("image") ? "image" : "image_url");
                    JsonNode url = iu != null && iu.isObject() ? iu.get("url") : iu;
                    if (url == null || !url.isTextual() || url.asText().isBlank()) {
                        throw ApiException.badRequest(at + ".image_url.url", "'" + at + ".image_url.url' is required");
                    }
                    images.add(new ImageRef(url.asText(), at));
                    out.add(Map.of("type", "image"));
                    hasImage = true;
                }
                default -> throw ApiException.badRequest(at + ".type", "'" + at + ".type' must be 'text' or "
                        + "'image_url', got '" + truncate(type) + "'");
            }
        }
        if (hasImage) {
            return out;
        }
        StringBuilder text = new StringBuilder();
        for (Map<String, Object> part : out) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(part.get("text"));
        }
        return text.toString();
    }

    /** Text content; {@code <img src="..."/>} tags in it become image parts, as NIM accepts them. */
    private static Object textWithImages(String text, String where, List<ImageRef> images) {
        java.util.regex.Matcher m = IMG_TAG.matcher(text);
        if (!m.find()) {
            return text;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        int last = 0;
        do {
            if (m.start() > last) {
                out.add(Map.of("type", "text", "text", text.substring(last, m.start())));
            }
            images.add(new ImageRef(m.group(1), where));
            out.add(Map.of("type", "image"));
            last = m.end();
        } while (m.find());
        if (last < text.length()) {
            out.add(Map.of("type", "text", "text", text.substring(last)));
        }
        return out;
    }

    static String truncate(String s) {
        return s.length() > 32 ? s.substring(0, 32) + "..." : s;
    }
}
