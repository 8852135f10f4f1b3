package dev.jnim.cli;

import dev.jnim.tokenizer.GoldenReport;
import dev.jnim.tokenizer.GoldenTokenizerRunner;
import dev.jnim.tokenizer.TokenizerException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jnim golden tokenizers <dir>}: runs every tokenizer and chat-template case of a directory laid
 * out as {@code golden/tokenizers} and prints, per file, passed/failed counts and the first failures.
 * Exit status 0 only when every case passes.
 */
@Command(name = "tokenizers", mixinStandardHelpOptions = true,
        description = "Check tokenizers and chat templates against a golden directory (layout of golden/tokenizers).")
public final class GoldenTokenizersCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<dir>", description = "Golden tokenizers directory.")
    Path dir;

    @Option(names = "--show", defaultValue = "3", description = "Failures shown per file (default: ${DEFAULT-VALUE}).")
    int show;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(dir)) {
            err.println("jnim golden tokenizers: " + dir + " is not a directory");
            return 2;
        }
        GoldenReport report;
        try (GoldenTokenizerRunner runner = new GoldenTokenizerRunner(dir, show)) {
            report = runner.runAll();
        } catch (TokenizerException e) {
            err.println("jnim golden tokenizers: " + e.getMessage());
            return 2;
        }
        for (GoldenReport.FileResult f : report.files()) {
            out.printf("%-55s passed %4d  failed %4d%n", f.file(), f.passed(), f.failed());
            for (String failure : f.firstFailures()) {
                out.println("    " + failure);
            }
        }
        out.printf("total: passed %d, failed %d%n", report.passed(), report.failed());
        out.flush();
        return report.allPassed() ? 0 : 1;
    }
}
