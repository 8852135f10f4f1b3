package dev.jnim.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.tensor.Rope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A model's HF {@code config.json}: its architecture name, and the raw JSON that each
 * architecture reads its own fields from (e.g. {@link DecoderConfig#parse}).
 */
public record ModelConfig(Path source, String architecture, String modelType, JsonNode json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code dir/config.json}; a missing or malformed file is an error naming it. */
    public static ModelConfig load(Path dir) {
        Path file = dir.resolve("config.json");
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ModelException(file + ": not found (a model directory needs config.json)");
        } catch (IOException e) {
            throw new ModelException(file + ": cannot parse: " + e.getMessage(), e);
        }
        return of(file, root);
    }

    public static ModelConfig of(Path source, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new ModelException(source + ": not a JSON object");
        }
        JsonNode archs = root.path("architectures");
        if (!archs.isArray() || archs.isEmpty() || !archs.get(0).isTextual()) {
            throw new ModelException(source + ": field 'architectures' must be a non-empty list of names");
        }
        return new ModelConfig(source, archs.get(0).asText(), root.path("model_type").asText(""), root);
    }

    // ---- typed field access with errors that name the file and field ----

    static int requireInt(JsonNode node, String field, Path source) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new ModelException(source + ": field '" + field + "' must be a positive integer, got " + v);
        }
        return v.asInt();
    }

    static int optInt(JsonNode node, String field, int dflt) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? dflt : v.asInt(dflt);
    }

    static double optDouble(JsonNode node, String field, double dflt) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? dflt : v.asDouble(dflt);
    }

    static boolean optBool(JsonNode node, String field, boolean dflt) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? dflt : v.asBoolean(dflt);
    }

    /** {@code rope_scaling} as HF reads it ({@code rope_type}, or the legacy {@code type}); null if absent. */
    static Rope.Scaling ropeScaling(JsonNode node) {
        JsonNode rs = node.get("rope_scaling");
        if (rs == null || rs.isNull() || !rs.isObject()) {
            return null;
        }
        String type = rs.hasNonNull("rope_type") ? rs.get("rope_type").asText() : rs.path("type").asText("default");
        return new Rope.Scaling(type, optDouble(rs, "factor", 1.0), optDouble(rs, "low_freq_factor", 1.0),
                optDouble(rs, "high_freq_factor", 4.0), optInt(rs, "original_max_position_embeddings", 8192));
    }
}
