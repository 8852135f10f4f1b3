package dev.jnim.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.hardware.Hardware;
import java.util.Optional;

/**
 * The body of {@code GET /v1/manifest}: every model and profile of the manifest with its tags, files
 * and how it fits this machine ({@code compatibility}: {@code runnable}, {@code low_memory} or
 * {@code incompatible}, with {@code compatibility_detail}); the active profile has {@code "selected": true}.
 * Built once at startup (the hardware does not change), so the route only writes it.
 */
public final class ManifestDocument {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestDocument() {}

    public static ObjectNode build(Manifest manifest, Hardware hw, Optional<String> selectedProfileId) {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "manifest");
        root.put("source", manifest.source());
        ArrayNode models = root.putArray("models");
        for (ModelEntry m : manifest.models()) {
            ObjectNode mn = models.addObject();
            mn.put("name", m.name());
            mn.put("description", m.description());
            mn.put("revision", m.revision());
            m.license().ifPresent(l -> {
                ObjectNode ln = mn.putObject("license");
                ln.put("name", l.name());
                l.file().ifPresent(f -> ln.put("file", f));
                l.url().ifPresent(u -> ln.put("url", u));
            });
            ArrayNode profiles = mn.putArray("profiles");
            for (Profile p : m.profiles()) {
                profiles.add(profile(p, CompatibilityChecker.check(p, hw), selectedProfileId.filter(p.id()::equals).isPresent()));
            }
        }
        return root;
    }

    static ObjectNode profile(Profile p, Compatibility c, boolean selected) {
        ObjectNode pn = JSON.createObjectNode();
        pn.put("id", p.id());
        pn.put("name", p.name());
        ObjectNode tags = pn.putObject("tags");
        p.tags().forEach(tags::put);
        ArrayNode files = pn.putArray("files");
        for (ProfileFile f : p.files()) {
            ObjectNode fn = files.addObject();
            fn.put("uri", f.uri());
            fn.put("path", f.path());
            f.sha256().ifPresent(s -> fn.put("sha256", s));
            if (f.size().isPresent()) {
                fn.put("size", f.size().getAsLong());
            }
        }
        switch (c) {
            case Compatibility.Runnable r -> {
                pn.put("compatibility", "runnable");
                pn.put("compatibility_detail", r.gpus().isEmpty() ? "CPU" : "GPUs " + r.gpus());
            }
            case Compatibility.LowMemory l -> {
                pn.put("compatibility", "low_memory");
                pn.put("compatibility_detail", l.requirement());
            }
            case Compatibility.Incompatible i -> {
                pn.put("compatibility", "incompatible");
                pn.put("compatibility_detail", i.reason());
            }
        }
        pn.put("selected", selected);
        return pn;
    }
}
