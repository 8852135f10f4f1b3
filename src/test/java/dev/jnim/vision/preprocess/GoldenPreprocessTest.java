package dev.jnim.vision.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.cli.GoldenPreprocessCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every settings folder of {@code golden/preprocess} (HF transformers v4.47.1 + Pillow 9.4): all image cases pass,
 * and all of them bit for bit (the resampling reproduces Pillow's fixed-point arithmetic exactly).
 */
class GoldenPreprocessTest {

    @TempDir
    Path tmp;

    static Path goldenRoot() throws URISyntaxException {
        return Path.of(GoldenPreprocessTest.class.getResource("/golden/preprocess/index.json").toURI()).getParent();
    }

    @TestFactory
    Stream<DynamicTest> everySettingsFolderIsBitExact() throws Exception {
        Path root = goldenRoot();
        GoldenPreprocessRunner runner = new GoldenPreprocessRunner(root, 5);
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("case.json"))).sorted().toList().stream()
                    .map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> {
                        GoldenPreprocessReport.FolderResult r = runner.runFolder(d);
                        assertThat(r.firstFailures()).as(r.folder()).isEmpty();
                        assertThat(r.failed()).isZero();
                        assertThat(r.passed()).isEqualTo(9);
                        assertThat(r.bitExact()).as("bit-exact cases").isEqualTo(r.passed());
                    }));
        }
    }

    @Test
    void commandReportsAFailingFolderAndExitsNonZero() throws Exception {
        Path root = goldenRoot();
        Path dir = Files.createDirectories(tmp.resolve("g/clip-small"));
        copyTree(root.resolve("images"), Files.createDirectories(tmp.resolve("g/images")));
        copyTree(root.resolve("clip-small"), dir);
        // A wrong crop size changes every output shape and the token count: the runner must notice.
        String cfg = Files.readString(dir.resolve("preprocessor_config.json")).replace("\"height\": 48", "\"height\": 40");
        Files.writeString(dir.resolve("preprocessor_config.json"), cfg);

        StringWriter out = new StringWriter();
        int code = new CommandLine(new GoldenPreprocessCommand()).setOut(new PrintWriter(out))
                .execute(tmp.resolve("g").toString());
        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("clip-small").contains("failed   8").contains("pixel_values: shape");
    }

    @Test
    void commandPassesOnAGoodFolder() throws Exception {
        Path root = goldenRoot();
        copyTree(root.resolve("images"), Files.createDirectories(tmp.resolve("g/images")));
        copyTree(root.resolve("qwen2vl-small"), Files.createDirectories(tmp.resolve("g/qwen2vl-small")));
        StringWriter out = new StringWriter();
        int code = new CommandLine(new GoldenPreprocessCommand()).setOut(new PrintWriter(out))
                .execute(tmp.resolve("g").toString());
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("passed   9  failed   0  bit-exact   9");
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
