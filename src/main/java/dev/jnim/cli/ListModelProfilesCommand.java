package dev.jnim.cli;

import dev.jnim.manifest.ModelEntry;
import dev.jnim.manifest.ProfileListing;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jnim list-model-profiles}: the system and the profiles of the model, in NIM's layout. */
@Command(name = "list-model-profiles", mixinStandardHelpOptions = true,
        description = {"List the profiles of the model (NIM_MODEL_NAME, default jnim/demo-vlm) grouped by how they fit this system:",
                "compatible and runnable, compatible but low on memory, incompatible. Reads the same environment as serve."})
final class ListModelProfilesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private final Environment environment;

    ListModelProfilesCommand() {
        this(Environment.system());
    }

    ListModelProfilesCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        return CommandSupport.guard(spec, () -> {
            Environment.Context c = environment.context();
            ModelEntry model = c.resolver().chooseModel();
            PrintWriter out = spec.commandLine().getOut();
            ProfileListing.render(c.hardware(), model).forEach(out::println);
            out.flush();
            return 0;
        });
    }
}
