package dev.jnim.cache;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code NIM_MODEL_NAME} names: nothing (the default model), a manifest model, a Hugging Face
 * repository {@code hf://org/name[:revision]}, an NGC model {@code ngc://org/[team/]model:version},
 * or a local model directory (an absolute path or one starting with {@code ./} or {@code ../}).
 */
public sealed interface ModelRef {

    record Default() implements ModelRef {}

    record ManifestName(String name) implements ModelRef {}

    record HfRepo(String repo, Optional<String> revision) implements ModelRef {}

    record NgcModel(String org, Optional<String> team, String model, String version) implements ModelRef {
        /** The manifest name of this model: {@code org/team/model} or {@code org/model}. */
        public String name() {
            return org + team.map(t -> "/" + t).orElse("") + "/" + model;
        }
    }

    record LocalDir(Path dir) implements ModelRef {}

    static ModelRef parse(Optional<String> nimModelName) {
        if (nimModelName.isEmpty()) {
            return new Default();
        }
        String s = nimModelName.get();
        String lower = s.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("hf://")) {
                if (s.contains("?")) {
                    throw new IllegalArgumentException("no ?file= part here: NIM_MODEL_NAME names a whole repository");
                }
                SourceUri.Repo r = SourceUri.Repo.parse(s.substring(5), s);
                if (r.path().split("/").length != 2) {
                    throw new IllegalArgumentException("expected hf://org/name[:revision]");
                }
                return new HfRepo(r.path(), r.version());
            }
            if (lower.startsWith("ngc://")) {
                SourceUri.Repo r = SourceUri.Repo.parse(s.substring(6), s);
                String[] p = r.path().split("/");
                if (p.length < 2 || p.length > 3 || r.version().isEmpty() || r.file().isPresent()) {
                    throw new IllegalArgumentException("expected ngc://org/[team/]model:version");
                }
                return new NgcModel(p[0], p.length == 3 ? Optional.of(p[1]) : Optional.empty(), p[p.length - 1], r.version().get());
            }
        } catch (IllegalArgumentException e) {
            throw new CacheException("Invalid NIM_MODEL_NAME='" + s + "': " + e.getMessage(), e);
        }
        if (s.startsWith("/") || s.startsWith("./") || s.startsWith("../")) {
            return new LocalDir(Path.of(s));
        }
        return new ManifestName(s);
    }
}
