package dev.jnim.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Finds the model to load-test: the first {@code data[].id} of {@code GET /v1/models}. */
final class ModelDiscovery {

    private ModelDiscovery() {
    }

    static String firstModel(HttpClient http, ObjectMapper json, URI baseUrl, String apiKey, Duration timeout)
            throws LoadgenException, InterruptedException {
        URI uri = URI.create(baseUrl + "/v1/models");
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        if (apiKey != null) {
            rb.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> response;
        try {
            response = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new LoadgenException("GET " + uri + " failed (is the server running?): " + e, e);
        }
        if (response.statusCode() != 200) {
            throw new LoadgenException("GET " + uri + " answered " + response.statusCode() + ": "
                    + StreamChunk.abbreviate(response.body()) + " (give the model with --model)");
        }
        JsonNode root;
        try {
            root = json.readTree(response.body());
        } catch (IOException e) {
            throw new LoadgenException("GET " + uri + " did not answer JSON: " + StreamChunk.abbreviate(response.body()), e);
        }
        JsonNode id = root.path("data").path(0).path("id");
        if (!id.isTextual() || id.asText().isEmpty()) {
            throw new LoadgenException("GET " + uri + " lists no model (give the model with --model): "
                    + StreamChunk.abbreviate(response.body()));
        }
        return id.asText();
    }
}
