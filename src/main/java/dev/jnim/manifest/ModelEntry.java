package dev.jnim.manifest;

import java.util.List;
import java.util.Optional;

/**
 * One model of the manifest.
 *
 * @param name        the model's name, e.g. {@code HuggingFaceTB/SmolVLM-256M-Instruct}; used by
 *                    {@code NIM_MODEL_NAME} and as the default served model name
 * @param description one line for humans
 * @param revision    name of the cache snapshot its files are stored under (e.g. {@code main})
 * @param license     licence, when declared
 * @param profiles    ways to run it
 */
public record ModelEntry(String name, String description, String revision, Optional<LicenseInfo> license,
                         List<Profile> profiles) {

    public ModelEntry {
        profiles = List.copyOf(profiles);
    }
}
