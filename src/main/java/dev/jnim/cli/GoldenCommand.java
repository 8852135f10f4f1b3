package dev.jnim.cli;

import dev.jnim.tensor.ComputePool;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnim golden <case-dir>} and {@code jnim golden tokenizers <dir>}: checks jnim against golden fixtures. */
@Command(name = "golden", mixinStandardHelpOptions = true,
        description = "Run a golden model case (reference logits and greedy ids) and print the error per array;"
                + " 'golden tokenizers <dir>' runs tokenizer and chat-template cases.",
        subcommands = {GoldenTokenizersCommand.class, GoldenPreprocessCommand.class})
final class GoldenCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "<case-dir>", description = "A golden model case directory (with case.json).")
    Path caseDir;

    @Option(names = "--weights", defaultValue = "f32", paramLabel = "f32|bf16",
            description = "Which weights to check: f32 (expected/) or bf16 (model.bf16.safetensors, expected_bf16/).")
    String weights;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (caseDir == null) {
            System.err.println("golden: give a case directory, or 'tokenizers <dir>' (see --help)");
            return 2;
        }
        if (!Files.isRegularFile(caseDir.resolve("case.json"))) {
            System.err.println("golden: " + caseDir + " has no case.json");
            return 2;
        }
        if (!weights.equals("f32") && !weights.equals("bf16")) {
            System.err.println("golden: --weights must be f32 or bf16, got " + weights);
            return 2;
        }
        try (ComputePool pool = ComputePool.forAvailableProcessors()) {
            GoldenModelRunner.Report r;
            try {
                r = GoldenModelRunner.run(caseDir, weights.equals("bf16"), pool);
            } catch (java.io.IOException e) {
                System.err.println("golden: " + e.getMessage());
                return 2;
            }
            if (r.unsupported() != null) {
                out.println(r.unsupported());
                return 2;
            }
            out.printf("case %s (%s, %s weights)%n", r.caseName(), r.architecture(), r.weights());
            for (GoldenModelRunner.Check c : r.checks()) {
                out.printf("  %-22s max_abs %-10s max_rel %-10s tol %-28s %s  (%s)%n", c.name(), fmt(c.maxAbs()),
                        fmt(c.maxRel()), c.tolerance(), c.pass() ? "PASS" : "FAIL", c.detail());
            }
            long passed = r.checks().stream().filter(GoldenModelRunner.Check::pass).count();
            out.printf("%s: %d/%d arrays pass%n", r.passed() ? "PASS" : "FAIL", passed, r.checks().size());
            return r.passed() ? 0 : 1;
        }
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.2e", v);
    }
}
