package dev.jnim.cli;

import dev.jnim.eval.DemoEvaluator;
import dev.jnim.eval.EvalReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jnim eval}: quality checks of a running service. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Measure answer quality of a running service.",
        subcommands = EvalCommand.Demo.class)
final class EvalCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code jnim eval demo}: held-out scenes drawn with Java2D, asked through the service's HTTP API;
     * prints exact-match accuracy per question type. Exit 1 when {@code --min-accuracy} is given and a
     * question type falls below it, or when the service cannot be reached.
     */
    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = {"Ask the embedded demo model's kind of questions (colour, shape, count, position, number,",
                    "background, description) about freshly rendered scenes through /v1/chat/completions",
                    "and print the accuracy per question type."})
    static final class Demo implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--scenes", defaultValue = "500", description = "Number of scenes (default ${DEFAULT-VALUE}).")
        int scenes;

        @Option(names = "--seed", defaultValue = "20251128", description = "Scene seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--url", description = "Service base URL (default http://127.0.0.1:$NIM_SERVER_PORT, port 8000).")
        String url;

        @Option(names = "--model", description = "Model name to send (default: the first of GET /v1/models).")
        String model;

        @Option(names = "--size", defaultValue = "128", description = "Rendered image size in pixels (default ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--concurrency", defaultValue = "16", description = "Requests in flight (default ${DEFAULT-VALUE}).")
        int concurrency;

        @Option(names = "--timeout", defaultValue = "120", description = "Seconds per request (default ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Option(names = "--examples", defaultValue = "10", description = "Wrong answers to print (default ${DEFAULT-VALUE}).")
        int examples;

        @Option(names = "--min-accuracy", description = "Fail (exit 1) when a question type scores below this fraction, e.g. 0.95.")
        Double minAccuracy;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            URI base = URI.create(url != null ? url : "http://127.0.0.1:" + System.getenv().getOrDefault("NIM_SERVER_PORT", "8000"));
            try {
                String m = model != null ? model : DemoEvaluator.firstModel(base);
                long t0 = System.nanoTime();
                EvalReport report = new DemoEvaluator(new DemoEvaluator.Options(base, m, scenes, seed, size, concurrency,
                        Duration.ofSeconds(timeoutSeconds))).run();
                double secs = (System.nanoTime() - t0) / 1e9;
                out.printf("model %s at %s, seed %d, %dx%d Java2D scenes, %.1f s%n", m, base, seed, size, size, secs);
                out.print(report.table(examples));
                out.flush();
                if (minAccuracy != null) {
                    for (Map.Entry<?, EvalReport.Score> e : report.scores().entrySet()) {
                        if (e.getValue().accuracy() < minAccuracy) {
                            err.printf("jnim: %s accuracy %.3f is below --min-accuracy %.3f%n", e.getKey(),
                                    e.getValue().accuracy(), minAccuracy);
                            err.flush();
                            return CommandSupport.FAILED;
                        }
                    }
                }
                return 0;
            } catch (IOException | IllegalArgumentException e) {
                err.println("jnim: " + e.getMessage());
                err.flush();
                return CommandSupport.FAILED;
            }
        }
    }
}
