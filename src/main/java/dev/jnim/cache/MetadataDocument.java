package dev.jnim.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.manifest.Compatibility;
import dev.jnim.manifest.Profile;

/**
 * The body of {@code GET /v1/metadata}: the active profile with its tags, model information and the
 * licence name. NIM documents the endpoint ("deployment metadata including active profile, model
 * info, and license") but not its fields; the names {@code modelInfo}, {@code shortName},
 * {@code modelUrl} and {@code selectedModelProfileId} follow NIM for LLMs as remembered, unverified.
 */
public final class MetadataDocument {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetadataDocument() {}

    public static ObjectNode build(ResolvedModel resolved) {
        ObjectNode root = JSON.createObjectNode();
        var info = root.putArray("modelInfo").addObject();
        info.put("shortName", resolved.servedModelNames().getFirst());
        info.put("modelUrl", resolved.source());
        root.put("selectedModelProfileId", resolved.profile().id());
        Profile p = resolved.profile();
        ObjectNode profile = root.putObject("profile");
        profile.put("id", p.id());
        profile.put("name", p.name());
        ObjectNode tags = profile.putObject("tags");
        p.tags().forEach(tags::put);
        profile.put("compatibility", switch (resolved.selection().compatibility()) {
            case Compatibility.Runnable r -> "runnable";
            case Compatibility.LowMemory l -> "low_memory";
            case Compatibility.Incompatible i -> "incompatible";
        });
        ObjectNode model = root.putObject("model");
        model.put("name", resolved.model().name());
        model.put("description", resolved.model().description());
        model.put("revision", resolved.model().revision());
        var names = model.putArray("servedModelNames");
        resolved.servedModelNames().forEach(names::add);
        ObjectNode license = root.putObject("licenseInfo");
        license.put("name", resolved.model().license().map(l -> l.name()).orElse("unknown"));
        resolved.model().license().flatMap(l -> l.url()).ifPresent(u -> license.put("url", u));
        return root;
    }
}
