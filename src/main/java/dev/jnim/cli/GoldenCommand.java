package dev.jnim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jnim golden ...}: checks jnim against golden fixtures; one subcommand per kind of fixture. */
@Command(name = "golden", mixinStandardHelpOptions = true,
        description = "Check jnim against golden fixtures.",
        subcommands = {GoldenTokenizersCommand.class})
final class GoldenCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
        throw new CommandLine.ParameterException(spec.commandLine(), "name a golden kind, e.g. 'tokenizers <dir>'");
    }
}
