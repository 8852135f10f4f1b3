package dev.jnim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jnim bench ...}: whole-model and serving benchmarks (kernel benchmarks: {@code jnim bench jmh}). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: 'model' (forward pass speed), 'serve' (a running service under load). Kernel benchmarks run with './jnim bench jmh'.",
        subcommands = {BenchModelCommand.class, BenchServeCommand.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
