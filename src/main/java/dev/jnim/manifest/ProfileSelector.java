package dev.jnim.manifest;

import dev.jnim.hardware.Hardware;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the profile of a model as NIM does ({@code specs/nim-compat.md}, "Manifest and profiles"):
 * <ul>
 *   <li>unset {@code NIM_MODEL_PROFILE}: the {@link ProfileOrder#BEST} runnable profile;</li>
 *   <li>{@code default}: a profile literally named {@code default}, else the
 *       {@link ProfileOrder#MOST_COMPATIBLE} runnable one;</li>
 *   <li>an id or a readable name: that profile; unknown fails listing the valid ones; one that is not
 *       runnable fails unless {@code NIM_MANIFEST_ALLOW_UNSAFE=1}, which proceeds with a WARNING.</li>
 * </ul>
 * When no profile is runnable the start fails naming each profile's problem, unless unsafe is allowed
 * and some profile is merely short of memory.
 */
public final class ProfileSelector {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileSelector.class);

    private ProfileSelector() {}

    public static ProfileSelection select(ModelEntry model, Hardware hw, Optional<String> requested, boolean allowUnsafe) {
        Map<Profile, Compatibility> fit = new LinkedHashMap<>();
        model.profiles().forEach(p -> fit.put(p, CompatibilityChecker.check(p, hw)));
        List<Profile> runnable = fit.keySet().stream().filter(p -> fit.get(p).isRunnable()).sorted(ProfileOrder.BEST).toList();

        List<String> lines = new ArrayList<>();
        lines.add("Detected " + runnable.size() + " compatible profile(s).");
        for (Profile p : runnable) {
            lines.add("Valid profile: " + p.label() + where(fit.get(p)));
        }

        Profile chosen;
        String warning = null;
        String want = requested.map(String::strip).orElse("");
        if (want.isEmpty() || (want.equals("default") && findNamed(model, "default").isEmpty())) {
            if (runnable.isEmpty()) {
                Optional<Profile> lowMemory = fit.keySet().stream()
                        .filter(p -> fit.get(p) instanceof Compatibility.LowMemory).sorted(ProfileOrder.BEST).findFirst();
                if (allowUnsafe && lowMemory.isPresent()) {
                    chosen = lowMemory.get();
                    warning = "NIM_MANIFEST_ALLOW_UNSAFE=1: using profile " + chosen.label() + " although it "
                            + describe(fit.get(chosen));
                } else {
                    throw new ProfileSelectionException("No profile of model " + model.name()
                            + " is compatible with this system: " + problems(fit));
                }
            } else {
                chosen = want.isEmpty() ? runnable.getFirst()
                        : runnable.stream().sorted(ProfileOrder.MOST_COMPATIBLE).findFirst().orElseThrow();
            }
        } else {
            chosen = findById(model, want).or(() -> findNamed(model, want)).orElseThrow(() ->
                    new ProfileSelectionException("NIM_MODEL_PROFILE='" + want + "' matches no profile of model "
                            + model.name() + "; valid profiles: " + model.profiles().stream().map(Profile::label)
                            .collect(Collectors.joining(", ")) + ", or 'default'"));
            Compatibility c = fit.get(chosen);
            if (!c.isRunnable()) {
                if (!allowUnsafe) {
                    throw new ProfileSelectionException("Profile " + chosen.label() + " " + describe(c)
                            + "; set NIM_MANIFEST_ALLOW_UNSAFE=1 to use it anyway");
                }
                warning = "NIM_MANIFEST_ALLOW_UNSAFE=1: using profile " + chosen.label() + " although it " + describe(c);
            }
        }

        lines.add("Selected profile: " + chosen.label());
        chosen.tags().forEach((k, v) -> lines.add("Profile metadata: " + k + ": " + v));
        for (String line : lines) {
            LOG.info(line);
        }
        if (warning != null) {
            LOG.warn(warning);
        }
        return new ProfileSelection(model, chosen, fit.get(chosen), lines);
    }

    private static Optional<Profile> findById(ModelEntry model, String id) {
        return model.profiles().stream().filter(p -> p.id().equals(id)).findFirst();
    }

    private static Optional<Profile> findNamed(ModelEntry model, String name) {
        return model.profiles().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private static String where(Compatibility c) {
        return c instanceof Compatibility.Runnable r && !r.gpus().isEmpty() ? " on GPUs " + r.gpus() : " on CPU";
    }

    private static String describe(Compatibility c) {
        return switch (c) {
            case Compatibility.Runnable r -> "is compatible";
            case Compatibility.LowMemory l -> "lacks memory (" + l.requirement() + ")";
            case Compatibility.Incompatible i -> "is not compatible with this system (" + i.reason() + ")";
        };
    }

    private static String problems(Map<Profile, Compatibility> fit) {
        return fit.entrySet().stream().map(e -> e.getKey().name() + " " + describe(e.getValue()))
                .collect(Collectors.joining("; "));
    }
}
