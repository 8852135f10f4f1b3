package dev.jnim.cli;

import dev.jnim.cache.ModelRef;
import dev.jnim.manifest.ModelEntry;
import dev.jnim.manifest.Profile;
import dev.jnim.manifest.ProfileSelectionException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jnim download-to-cache}: fills {@code NIM_CACHE_PATH} so that a later start needs no
 * network (air-gapped deployments), as NIM's utility of the same name.
 */
@Command(name = "download-to-cache", mixinStandardHelpOptions = true,
        description = {"Download model profiles into NIM_CACHE_PATH so that a later start needs no network.",
                "Without options: the profile serve would select (NIM_MODEL_NAME, NIM_MODEL_PROFILE)."})
final class DownloadToCacheCommand implements Callable<Integer> {

    static final class Which {
        @Option(names = {"--profiles", "--profile", "-p"}, arity = "1..*", paramLabel = "ID",
                description = "Profile ids (any model of the manifest) or readable names (of the model NIM_MODEL_NAME selects).")
        List<String> profiles = new ArrayList<>();

        @Option(names = "--all", description = "Every profile of the model NIM_MODEL_NAME selects.")
        boolean all;
    }

    @ArgGroup(exclusive = true)
    Which which = new Which();

    @Spec
    CommandSpec spec;

    private final Environment environment;

    DownloadToCacheCommand() {
        this(Environment.system());
    }

    DownloadToCacheCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        return CommandSupport.guard(spec, () -> {
            Environment.Context c = environment.context();
            PrintWriter out = spec.commandLine().getOut();
            if (which.profiles.isEmpty() && ModelRef.parse(c.settings().model().modelName()) instanceof ModelRef.LocalDir local) {
                out.println("NIM_MODEL_NAME is the local directory " + local.dir() + "; it is served in place, nothing to download");
                out.flush();
                return 0;
            }
            record Job(ModelEntry model, Profile profile) {}
            List<Job> jobs = new ArrayList<>();
            if (which.all) {
                ModelEntry model = c.resolver().chooseModel();
                model.profiles().forEach(p -> jobs.add(new Job(model, p)));
            } else if (!which.profiles.isEmpty()) {
                ModelEntry model = c.resolver().chooseModel();
                for (String wanted : which.profiles) {
                    jobs.add(ProfileLookup.find(c.manifest(), model, wanted)
                            .map(p -> new Job(c.manifest().model(p.model()).orElse(model), p))
                            .orElseThrow(() -> new ProfileSelectionException(ProfileLookup.unknown(wanted, model))));
                }
            } else {
                ModelEntry model = c.resolver().chooseModel();
                jobs.add(new Job(model, c.resolver().select(model).profile()));
            }
            for (Job j : jobs) {
                Path dir = c.cache().ensure(j.model(), j.profile());
                out.println("Downloaded profile " + j.profile().label() + " of " + j.model().name() + " to " + dir);
                out.flush();
            }
            return 0;
        });
    }
}
