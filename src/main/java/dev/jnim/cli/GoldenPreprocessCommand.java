package dev.jnim.cli;

import dev.jnim.vision.preprocess.GoldenPreprocessReport;
import dev.jnim.vision.preprocess.GoldenPreprocessRunner;
import java.io.IOException;
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
 * {@code jnim golden preprocess <dir>}: runs every image-processor settings folder of a directory laid out as
 * {@code golden/preprocess} and prints, per folder, passed/failed image cases, how many were bit-exact, and the
 * first failures. Exit status 0 only when every case passes.
 */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
        description = "Check the image processors against a golden directory (layout of golden/preprocess).")
public final class GoldenPreprocessCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<dir>", description = "Golden preprocess directory.")
    Path dir;

    @Option(names = "--show", defaultValue = "3", description = "Failures shown per folder (default: ${DEFAULT-VALUE}).")
    int show;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(dir)) {
            err.println("jnim golden preprocess: " + dir + " is not a directory");
            return 2;
        }
        GoldenPreprocessReport report;
        try {
            report = new GoldenPreprocessRunner(dir, show).runAll();
        } catch (IOException e) {
            err.println("jnim golden preprocess: " + e.getMessage());
            return 2;
        }
        for (GoldenPreprocessReport.FolderResult f : report.folders()) {
            out.printf("%-34s passed %3d  failed %3d  bit-exact %3d%n", f.folder(), f.passed(), f.failed(), f.bitExact());
            for (String failure : f.firstFailures()) {
                out.println("    " + failure);
            }
        }
        out.printf("total: passed %d, failed %d%n", report.passed(), report.failed());
        out.flush();
        return report.allPassed() ? 0 : 1;
    }
}
