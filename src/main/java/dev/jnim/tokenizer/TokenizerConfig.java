package dev.jnim.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What jnim uses from {@code tokenizer_config.json}: the special-token strings (passed to chat templates
 * as variables, as transformers does), {@code add_bos_token}, {@code clean_up_tokenization_spaces} and the
 * chat templates by name ({@code "default"} for a plain string template).
 *
 * @param specialTokenStrings every {@code *_token} field with a string value ({@code bos_token}, {@code eos_token}, ...)
 * @param addBosToken         the {@code add_bos_token} field, empty when absent
 * @param chatTemplates       template name → source, in file order
 */
public record TokenizerConfig(Map<String, String> specialTokenStrings, Optional<Boolean> addBosToken,
                              boolean cleanUpTokenizationSpaces, Map<String, String> chatTemplates) {

    /** The file name inside a model directory. */
    public static final String FILE = "tokenizer_config.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    public TokenizerConfig {
        specialTokenStrings = Collections.unmodifiableMap(new LinkedHashMap<>(specialTokenStrings));
        chatTemplates = Collections.unmodifiableMap(new LinkedHashMap<>(chatTemplates));
    }

    /** A config with nothing set (a model directory without {@code tokenizer_config.json}). */
    public static TokenizerConfig empty() {
        return new TokenizerConfig(Map.of(), Optional.empty(), false, Map.of());
    }

    /** The string of special token {@code name} (e.g. {@code "bos_token"}), or null. */
    public String token(String name) {
        return specialTokenStrings.get(name);
    }

    /** Reads {@code dir/tokenizer_config.json}; a missing file gives {@link #empty()}. */
    public static TokenizerConfig read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return empty();
        }
        try {
            return parse(JSON.readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new TokenizerException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses a {@code tokenizer_config.json} tree; {@code source} names it in error messages. */
    public static TokenizerConfig parse(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new TokenizerException(source + ": not a JSON object");
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().endsWith("_token")) {
                String value = tokenString(e.getValue());
                if (value != null) {
                    tokens.put(e.getKey(), value);
                }
            }
        }
        JsonNode addBos = root.get("add_bos_token");
        Optional<Boolean> addBosToken = addBos != null && addBos.isBoolean()
                ? Optional.of(addBos.booleanValue()) : Optional.empty();
        boolean cleanUp = root.path("clean_up_tokenization_spaces").asBoolean(false);
        return new TokenizerConfig(tokens, addBosToken, cleanUp, chatTemplates(root.get("chat_template"), source));
    }

    /** A token is a string or an AddedToken object {@code {"content": ...}} (transformers' serialisation). */
    private static String tokenString(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isObject() && node.path("content").isTextual()) {
            return node.get("content").textValue();
        }
        return null;
    }

    private static Map<String, String> chatTemplates(JsonNode node, String source) {
        Map<String, String> templates = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return templates;
        }
        if (node.isTextual()) {
            templates.put("default", node.textValue());
        } else if (node.isArray()) {
            for (JsonNode entry : node) {
                if (!entry.path("name").isTextual() || !entry.path("template").isTextual()) {
                    throw new TokenizerException(source + ": chat_template list entries need string 'name' and 'template'");
                }
                templates.put(entry.get("name").textValue(), entry.get("template").textValue());
            }
        } else {
            throw new TokenizerException(source + ": chat_template must be a string or a list of {name, template}");
        }
        return templates;
    }
}
