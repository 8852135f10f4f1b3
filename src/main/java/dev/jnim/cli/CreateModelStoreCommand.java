package dev.jnim.cli;

import dev.jnim.manifest.ModelEntry;
import dev.jnim.manifest.Profile;
import dev.jnim.manifest.ProfileSelectionException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jnim create-model-store}: lays out a plain model directory for one profile from the cache
 * (downloading what is missing), as NIM's utility; the directory can then be served with
 * {@code NIM_MODEL_NAME=<dir>}.
 */
@Command(name = "create-model-store", mixinStandardHelpOptions = true,
        description = "Create a plain model directory with the files of one profile, taken from NIM_CACHE_PATH.")
final class CreateModelStoreCommand implements Callable<Integer> {

    @Option(names = {"--profile", "-p"}, required = true, paramLabel = "ID",
            description = "Profile id (any model of the manifest) or readable name (of the model NIM_MODEL_NAME selects).")
    String profile;

    @Option(names = {"--model-store", "-m"}, required = true, paramLabel = "DIR", description = "Directory to create or fill.")
    Path modelStore;

    @Spec
    CommandSpec spec;

    private final Environment environment;

    CreateModelStoreCommand() {
        this(Environment.system());
    }

    CreateModelStoreCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        return CommandSupport.guard(spec, () -> {
            Environment.Context c = environment.context();
            ModelEntry chosen = c.resolver().chooseModel();
            Profile p = ProfileLookup.find(c.manifest(), chosen, profile)
                    .orElseThrow(() -> new ProfileSelectionException(ProfileLookup.unknown(profile, chosen)));
            ModelEntry model = c.manifest().model(p.model()).orElse(chosen);
            Path dir = c.cache().createModelStore(model, p, modelStore);
            spec.commandLine().getOut().println("Created model store for profile " + p.label() + " at " + dir.toAbsolutePath());
            spec.commandLine().getOut().flush();
            return 0;
        });
    }
}
