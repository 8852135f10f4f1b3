package dev.jnim.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.manifest.LicenseInfo;
import dev.jnim.manifest.ProfileIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The body of {@code GET /v1/license}: {@code {name, path, sha, size, url, type, content}} of the
 * model's licence file. The file is the manifest's {@code license.file}, else the first of
 * {@code LICENSE}, {@code LICENSE.txt}, {@code LICENSE.md} in the model directory. {@code sha} is its
 * SHA-256, {@code type} is {@code file} when the text is included and {@code url} when only a link is
 * known (then {@code path}, {@code sha} are null, {@code size} 0 and {@code content} empty).
 */
public final class LicenseDocument {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CANDIDATES = List.of("LICENSE", "LICENSE.txt", "LICENSE.md");

    private LicenseDocument() {}

    public static ObjectNode build(ResolvedModel resolved) {
        Optional<LicenseInfo> info = resolved.model().license();
        ObjectNode root = JSON.createObjectNode();
        root.put("name", info.map(LicenseInfo::name).orElse("unknown"));
        Optional<Path> file = info.flatMap(LicenseInfo::file).map(f -> ModelCache.safeResolve(resolved.directory(), f))
                .filter(Files::isRegularFile)
                .or(() -> CANDIDATES.stream().map(resolved.directory()::resolve).filter(Files::isRegularFile).findFirst());
        if (file.isPresent()) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file.get());
            } catch (IOException e) {
                throw new CacheException("cannot read licence file " + file.get() + ": " + e, e);
            }
            root.put("path", resolved.directory().relativize(file.get()).toString());
            root.put("sha", ProfileIds.sha256Hex(bytes));
            root.put("size", bytes.length);
            info.flatMap(LicenseInfo::url).ifPresentOrElse(u -> root.put("url", u), () -> root.putNull("url"));
            root.put("type", "file");
            root.put("content", new String(bytes, StandardCharsets.UTF_8));
        } else {
            root.putNull("path");
            root.putNull("sha");
            root.put("size", 0);
            info.flatMap(LicenseInfo::url).ifPresentOrElse(u -> root.put("url", u), () -> root.putNull("url"));
            root.put("type", "url");
            root.put("content", "");
        }
        return root;
    }
}
