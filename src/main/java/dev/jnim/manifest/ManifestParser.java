package dev.jnim.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads the manifest YAML (format in {@code model_manifest.yaml} of this package's resources):
 * <pre>
 * schema_version: 1
 * models:
 *   - name: org/model
 *     revision: main
 *     license: {name: apache-2.0, file: LICENSE, url: https://...}
 *     profiles:
 *       - name: cpu-bf16
 *         id: (optional; checked when given)
 *         tags: {llm_engine: jnim, precision: bf16, device: cpu, ...}
 *         files: [{uri: "hf://org/model:main?file=config.json", path: config.json, sha256: ..., size: ...}]
 * </pre>
 * YAML anchors let profiles share one file list; SnakeYAML (which jackson-dataformat-yaml is built on)
 * reads the file because Jackson's YAML tree model does not expand aliases. Ids are computed by {@link ProfileIds}; a declared
 * id that differs is an error, because it means the entry was edited without updating its id.
 */
public final class ManifestParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestParser() {}

    public static Manifest parse(InputStream in, String source) {
        JsonNode root;
        try {
            // SafeConstructor: plain maps, lists and scalars only, no arbitrary Java types.
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            root = JSON.valueToTree(loaded);
        } catch (YAMLException | IllegalArgumentException e) {
            throw new ManifestException("cannot parse manifest " + source + ": " + e.getMessage(), e);
        }
        if (root == null || !root.path("models").isArray()) {
            throw new ManifestException("manifest " + source + " has no 'models' list");
        }
        List<ModelEntry> models = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode m : root.path("models")) {
            ModelEntry entry = model(m, source);
            if (!names.add(entry.name())) {
                throw new ManifestException("manifest " + source + " lists model " + entry.name() + " twice");
            }
            models.add(entry);
        }
        return new Manifest(source, models);
    }

    private static ModelEntry model(JsonNode m, String source) {
        String name = required(m, "name", source + " model");
        String where = source + " model " + name;
        Optional<LicenseInfo> license = m.hasNonNull("license")
                ? Optional.of(new LicenseInfo(required(m.get("license"), "name", where + " license"),
                        text(m.get("license"), "file"), text(m.get("license"), "url")))
                : Optional.empty();
        List<Profile> profiles = new ArrayList<>();
        Set<String> profileNames = new HashSet<>();
        for (JsonNode p : m.path("profiles")) {
            Profile profile = profile(p, name, where);
            if (!profileNames.add(profile.name())) {
                throw new ManifestException(where + " has two profiles named " + profile.name());
            }
            profiles.add(profile);
        }
        if (profiles.isEmpty()) {
            throw new ManifestException(where + " has no profiles");
        }
        return new ModelEntry(name, text(m, "description").orElse(""), text(m, "revision").orElse("main"), license, profiles);
    }

    private static Profile profile(JsonNode p, String model, String where) {
        String name = required(p, "name", where + " profile");
        String pw = where + " profile " + name;
        Map<String, String> tags = new LinkedHashMap<>();
        p.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
        checkTags(tags, pw);
        List<ProfileFile> files = new ArrayList<>();
        for (JsonNode f : p.path("files")) {
            String uri = required(f, "uri", pw + " file");
            String path = text(f, "path").orElseGet(() -> defaultPath(uri, pw));
            Optional<String> sha = text(f, "sha256");
            if (sha.isPresent() && !ProfileIds.isId(sha.get())) {
                throw new ManifestException(pw + " file " + path + ": sha256 must be 64 lower-case hex digits");
            }
            OptionalLong size = f.hasNonNull("size") ? OptionalLong.of(f.get("size").asLong()) : OptionalLong.empty();
            files.add(new ProfileFile(uri, path, sha, size));
        }
        if (files.isEmpty()) {
            throw new ManifestException(pw + " has no files");
        }
        String id = ProfileIds.compute(model, name, tags, files);
        Optional<String> declared = text(p, "id");
        if (declared.isPresent() && !declared.get().equals(id)) {
            throw new ManifestException(pw + " declares id " + declared.get() + " but its content hashes to " + id);
        }
        return new Profile(id, name, model, tags, files);
    }

    /** Tags jnim computes with must parse, so a typo fails when the manifest is read, not at selection. */
    private static void checkTags(Map<String, String> tags, String where) {
        for (String key : List.of("tp", "pp")) {
            String v = tags.get(key);
            if (v != null && !v.matches("[1-9]\\d{0,3}")) {
                throw new ManifestException(where + ": tag " + key + "='" + v + "' must be a positive integer");
            }
        }
        String mem = tags.get("min_memory_gib");
        if (mem != null && !mem.matches("\\d+(\\.\\d+)?")) {
            throw new ManifestException(where + ": tag min_memory_gib='" + mem + "' must be a number of GiB");
        }
        String device = tags.get("device");
        if (device != null && !device.equals("cpu") && !device.equals("gpu")) {
            throw new ManifestException(where + ": tag device='" + device + "' must be cpu or gpu");
        }
    }

    /** The {@code file} query parameter of hf:// and ngc:// URIs, else the last path segment. */
    private static String defaultPath(String uri, String where) {
        int q = uri.indexOf("?file=");
        if (q >= 0) {
            return uri.substring(q + 6);
        }
        int slash = uri.lastIndexOf('/');
        if (slash < 0 || slash == uri.length() - 1) {
            throw new ManifestException(where + ": cannot tell the file name of " + uri + "; add 'path'");
        }
        return uri.substring(slash + 1);
    }

    private static String required(JsonNode n, String field, String where) {
        return text(n, field).orElseThrow(() -> new ManifestException(where + " lacks '" + field + "'"));
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? Optional.empty() : Optional.of(v.asText());
    }
}
