package dev.jnim.cache;

import dev.jnim.manifest.ModelEntry;
import dev.jnim.manifest.Profile;
import dev.jnim.manifest.ProfileSelection;
import java.nio.file.Path;
import java.util.List;

/**
 * The model the server will serve, ready on disk.
 *
 * @param model            the manifest entry (synthesized for repositories and directories the manifest lacks)
 * @param selection        the chosen profile and how it fits the hardware
 * @param directory        a plain Hugging Face-layout model directory (cache snapshot or the local directory)
 * @param servedModelNames names accepted in the API; the first one appears in responses
 * @param source           how it was named: {@code NIM_MODEL_NAME} as given, or the manifest name of the default
 */
public record ResolvedModel(ModelEntry model, ProfileSelection selection, Path directory, List<String> servedModelNames,
                            String source) {

    public ResolvedModel {
        servedModelNames = List.copyOf(servedModelNames);
    }

    public Profile profile() {
        return selection.profile();
    }
}
