package dev.jnim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * jnim's command line: {@code serve} (the default), {@code golden}, {@code bench}, {@code eval} and, as NIM, the
 * model utilities. Every command is one class in this package.
 */
@Command(name = "jnim", mixinStandardHelpOptions = true, version = "jnim 0.1.0",
        description = "Vision-language-model inference microservice for the JVM, configured like NVIDIA NIM.",
        subcommands = {ServeCommand.class, GoldenCommand.class, BenchCommand.class, ListModelProfilesCommand.class,
                DownloadToCacheCommand.class, CreateModelStoreCommand.class, EvalCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        String[] effective = args.length == 0 ? new String[] {"serve"} : args;
        int code = new CommandLine(new Main()).execute(effective);
        System.exit(code);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
