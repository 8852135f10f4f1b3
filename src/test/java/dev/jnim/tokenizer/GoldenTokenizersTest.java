package dev.jnim.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every golden case of {@code src/test/resources/golden/tokenizers}: tokenizer cases, chat goldens and
 * the divergent chat cases (judged by Python Jinja2's result). One dynamic test per case file.
 */
class GoldenTokenizersTest {

    private static GoldenTokenizerRunner runner;
    private static Path root;

    @BeforeAll
    static void open() throws URISyntaxException {
        root = goldenRoot();
        runner = new GoldenTokenizerRunner(root, 5);
    }

    @AfterAll
    static void close() {
        runner.close();
    }

    static Path goldenRoot() throws URISyntaxException {
        return Path.of(GoldenTokenizersTest.class.getResource("/golden/tokenizers/README.md").toURI()).getParent();
    }

    @TestFactory
    Stream<DynamicTest> tokenizerCases() throws Exception {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(d -> Files.exists(d.resolve("cases.jsonl"))).sorted().toList();
        }
        assertThat(dirs).hasSize(6);
        return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () ->
                assertPassed(runner.runTokenizerCases(d.getFileName().toString(), d.resolve("cases.jsonl")), lines(d.resolve("cases.jsonl")))));
    }

    @TestFactory
    Stream<DynamicTest> chatGoldens() throws Exception {
        return chatFiles(root.resolve("chat")).map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () ->
                assertPassed(runner.runChatCases(f, false), lines(f))));
    }

    @TestFactory
    Stream<DynamicTest> chatDivergentFollowPython() throws Exception {
        return chatFiles(root.resolve("chat/divergent")).map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () ->
                assertPassed(runner.runChatCases(f, true), lines(f))));
    }

    private static Stream<Path> chatFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList().stream();
        }
    }

    private static long lines(Path file) throws java.io.IOException {
        try (Stream<String> s = Files.lines(file)) {
            return s.filter(l -> !l.isBlank()).count();
        }
    }

    private static void assertPassed(GoldenReport.FileResult r, long cases) {
        assertThat(r.failed()).as(r.file() + " failures:\n" + String.join("\n", r.firstFailures())).isZero();
        assertThat((long) r.passed()).as(r.file() + " cases").isEqualTo(cases).isPositive();
    }
}
