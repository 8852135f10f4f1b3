package dev.jnim.manifest;

import dev.jnim.config.Settings;
import dev.jnim.hardware.Hardware;
import java.util.Optional;

/**
 * How profiles are chosen on this machine: the detected hardware plus {@code NIM_MODEL_PROFILE} and
 * {@code NIM_MANIFEST_ALLOW_UNSAFE}. Lets the cache room select profiles without depending on the
 * hardware room itself.
 */
public record ProfilePolicy(Hardware hardware, Optional<String> requested, boolean allowUnsafe) {

    public static ProfilePolicy of(Settings settings, Hardware hardware) {
        return new ProfilePolicy(hardware, settings.model().modelProfile(), settings.model().manifestAllowUnsafe());
    }

    /** {@link ProfileSelector#select} with this policy; logs NIM's selection lines. */
    public ProfileSelection select(ModelEntry model) {
        return ProfileSelector.select(model, hardware, requested, allowUnsafe);
    }
}
