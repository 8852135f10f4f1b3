package dev.jnim.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.api.ApiException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.OptionalLong;

/**
 * Reading JSON request bodies (content type, size limit, syntax) and writing JSON responses and
 * the one error shape, {@code {"error":{"message","type","param","code"}}}. Stateless.
 */
final class HttpJson {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String APPLICATION_JSON = "application/json";

    private HttpJson() {
    }

    /**
     * The body as JSON: 415 unless it is declared JSON (an absent content type is accepted), 413 when
     * it is larger than {@code maxBytes}, 400 when it does not parse.
     */
    static JsonNode readBody(ServerRequest req, long maxBytes) {
        var ct = req.headers().contentType();
        if (ct.isPresent() && !isJson(ct.get())) {
            throw new ApiException(415, null, "the request body must be JSON (Content-Type: application/json), got "
                    + ct.get().mediaType().text());
        }
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxBytes) {
            throw tooLarge(maxBytes);
        }
        byte[] body = readLimited(req, maxBytes);
        if (body.length == 0) {
            throw ApiException.badRequest(null, "the request body is empty; expected a JSON object");
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest(null, "the request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            // the original message carries no copy of the body (the location is dropped on purpose)
            throw ApiException.badRequest(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isJson(HttpMediaType type) {
        String t = type.mediaType().text().toLowerCase(java.util.Locale.ROOT);
        return t.equals(APPLICATION_JSON) || t.endsWith("+json");
    }

    private static byte[] readLimited(ServerRequest req, long maxBytes) {
        try (InputStream in = req.content().inputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[16384];
            long total = 0;
            int r;
            while ((r = in.read(buf)) >= 0) {
                total += r;
                if (total > maxBytes) {
                    throw tooLarge(maxBytes);
                }
                out.write(buf, 0, r);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body failed", e);
        }
    }

    private static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, null, "the request body is larger than the limit of " + maxBytes
                + " bytes (NIM_MAX_REQUEST_BODY_BYTES)");
    }

    static void send(ServerResponse res, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response", e);
        }
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, APPLICATION_JSON);
        res.send(bytes);
    }

    static ObjectNode errorBody(int status, String message, String param) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", ApiException.typeFor(status));
        if (param == null) {
            e.putNull("param");
        } else {
            e.put("param", param);
        }
        e.put("code", status);
        return root;
    }

    static void sendError(ServerResponse res, ApiException e) {
        if (e.status() == 429) {
            res.header(HeaderNames.RETRY_AFTER, "1");
        }
        send(res, e.status(), errorBody(e.status(), e.getMessage(), e.param()));
    }
}
