package dev.jnim.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code jnim serve}: runs the OpenAI-compatible service. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the inference service.")
final class ServeCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("jnim: the HTTP server is not built yet (see the open server issue); "
                + "use './jnim golden <case-dir>' or './jnim bench model' to exercise the engine.");
        return 1;
    }
}
