package dev.jnim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jnim bench ...}: whole-model and serving benchmarks (kernel benchmarks: {@code jnim bench jmh}). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: 'model' (forward pass), 'engine' (batching in-process), 'serve' (HTTP load generator)."
                + " Kernel benchmarks run with './jnim bench jmh'.",
        subcommands = {BenchModelCommand.class, BenchEngineCommand.class, BenchServeCommand.class,
                BenchVisionCommand.class, BenchMllamaCommand.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
