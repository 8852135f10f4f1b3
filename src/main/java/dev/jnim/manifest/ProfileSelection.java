package dev.jnim.manifest;

import java.util.List;

/**
 * The chosen profile of a model.
 *
 * @param model         the model
 * @param profile       the chosen profile
 * @param compatibility how it fits the hardware (not {@link Compatibility.Runnable} only when
 *                      {@code NIM_MANIFEST_ALLOW_UNSAFE=1} let an unfit profile through)
 * @param logLines      NIM's selection lines ("Detected N compatible profile(s).", "Valid profile: ...",
 *                      "Selected profile: ...", "Profile metadata: key: value"), already logged
 */
public record ProfileSelection(ModelEntry model, Profile profile, Compatibility compatibility, List<String> logLines) {

    public ProfileSelection {
        logLines = List.copyOf(logLines);
    }

    public boolean unsafe() {
        return !compatibility.isRunnable();
    }
}
