package dev.jnim.manifest;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The model manifest: the models jnim knows and their profiles.
 *
 * @param source where it was read from ({@code NIM_MANIFEST_PATH}, {@code /etc/nim/config/model_manifest.yaml}
 *               or {@code builtin}), for log lines and {@code /v1/manifest}
 * @param models the models, in file order
 */
public record Manifest(String source, List<ModelEntry> models) {

    public Manifest {
        models = List.copyOf(models);
    }

    public Optional<ModelEntry> model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    public Stream<Profile> profiles() {
        return models.stream().flatMap(m -> m.profiles().stream());
    }

    /** The profile with this 64-hex id, in any model. */
    public Optional<Profile> profileById(String id) {
        return profiles().filter(p -> p.id().equals(id)).findFirst();
    }
}
