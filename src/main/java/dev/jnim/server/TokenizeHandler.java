package dev.jnim.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.api.ApiException;
import dev.jnim.api.ChatRequest;
import dev.jnim.api.Fields;
import dev.jnim.tokenizer.ChatTemplateException;
import dev.jnim.tokenizer.Tokenizer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * vLLM's helpers: {@code POST /tokenize} ({@code prompt}, or chat {@code messages} rendered with
 * the chat template) and {@code POST /detokenize} ({@code tokens}). {@code model} is optional; when
 * given it must be a served name. Stateless.
 */
final class TokenizeHandler {

    private final JnimServer server;

    TokenizeHandler(JnimServer server) {
        this.server = server;
    }

    void tokenize(ServerRequest req, ServerResponse res) {
        server.requestStarted(); // the native tokenizer must outlive this request (see JnimServer#shutdown)
        try {
            tokenize(req, res, server.readyModel());
        } finally {
            server.requestEnded();
        }
    }

    void detokenize(ServerRequest req, ServerResponse res) {
        server.requestStarted();
        try {
            detokenize(req, res, server.readyModel());
        } finally {
            server.requestEnded();
        }
    }

    private void tokenize(ServerRequest req, ServerResponse res, ServedModel m) {
        JsonNode body = HttpJson.readBody(req, server.options().maxRequestBytes());
        checkModel(m, body);
        Tokenizer tok = m.tokenizer().tokenizer();
        int[] ids;
        if (Fields.get(body, "messages") != null) {
            if (m.chatTemplate() == null) {
                throw ApiException.badRequest("messages", m.templateError());
            }
            ChatRequest chat = ChatRequest.parse(withModel(body, m), m.model().vocabSize());
            Boolean addSpecial = Fields.optBool(body, "add_special_tokens", "add_special_tokens");
            try {
                String prompt = m.chatTemplate().apply(chat.messages(), chat.addGenerationPrompt(), null,
                        chat.chatTemplateKwargs());
                ids = tok.encode(prompt, addSpecial != null && addSpecial);
            } catch (ChatTemplateException e) {
                throw ApiException.badRequest("messages", e.getMessage());
            }
        } else {
            String prompt = Fields.optString(body, "prompt", "prompt");
            if (prompt == null) {
                throw ApiException.badRequest("prompt", "'prompt' (a string) or 'messages' is required");
            }
            Boolean addSpecial = Fields.optBool(body, "add_special_tokens", "add_special_tokens");
            ids = tok.encode(prompt, addSpecial == null || addSpecial);
        }
        ObjectNode out = HttpJson.JSON.createObjectNode();
        out.put("count", ids.length);
        out.put("max_model_len", m.limits().maxModelLen());
        ArrayNode tokens = out.putArray("tokens");
        for (int id : ids) {
            tokens.add(id);
        }
        HttpJson.send(res, 200, out);
    }

    private void detokenize(ServerRequest req, ServerResponse res, ServedModel m) {
        JsonNode body = HttpJson.readBody(req, server.options().maxRequestBytes());
        checkModel(m, body);
        JsonNode tokens = Fields.get(body, "tokens");
        if (tokens == null) {
            throw ApiException.badRequest("tokens", "'tokens' is required");
        }
        if (!tokens.isArray()) {
            throw Fields.wrongType("tokens", "a list of token ids", tokens);
        }
        int vocab = m.tokenizer().tokenizer().vocabSize();
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) Fields.toLong(tokens.get(i), "tokens", 0, vocab - 1);
        }
        ObjectNode out = HttpJson.JSON.createObjectNode();
        out.put("prompt", m.tokenizer().tokenizer().decode(ids, false));
        HttpJson.send(res, 200, out);
    }

    private static void checkModel(ServedModel m, JsonNode body) {
        String model = Fields.optString(body, "model", "model");
        if (model != null) {
            CompletionsHandler.checkModel(m, model);
        }
    }

    /** {@link ChatRequest#parse} requires {@code model}; here it is optional. */
    private static JsonNode withModel(JsonNode body, ServedModel m) {
        ObjectNode copy = ((ObjectNode) body).deepCopy();
        copy.put("model", m.primaryName());
        return copy;
    }
}
