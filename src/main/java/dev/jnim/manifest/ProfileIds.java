package dev.jnim.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Profile ids: the SHA-256 (64 hex) of a profile's canonical content, so an id changes exactly when
 * what the profile runs changes. Canonical content is compact JSON with sorted keys:
 * {@code {"files":[{"path","sha256","size","uri"} sorted by path],"model","name","tags":{sorted}}}.
 * NIM's ids are also content hashes of 64 hex digits; NIM does not publish its exact recipe.
 */
public final class ProfileIds {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProfileIds() {}

    public static String compute(String model, String name, Map<String, String> tags, List<ProfileFile> files) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode fileNodes = root.putArray("files");
        files.stream().sorted(Comparator.comparing(ProfileFile::path)).forEach(f -> {
            ObjectNode n = fileNodes.addObject();
            n.put("path", f.path());
            f.sha256().ifPresent(s -> n.put("sha256", s));
            if (f.size().isPresent()) {
                n.put("size", f.size().getAsLong());
            }
            n.put("uri", f.uri());
        });
        root.put("model", model);
        root.put("name", name);
        ObjectNode tagNode = root.putObject("tags");
        new TreeMap<>(tags).forEach(tagNode::put);
        try {
            return sha256Hex(JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise profile " + name, e);
        }
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static boolean isId(String s) {
        return s.matches("[0-9a-f]{64}");
    }
}
