package dev.jnim.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.cli.GoldenTokenizersCommand;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The runner (and the CLI on top of it) works on any directory in the golden format and reports failures. */
class GoldenTokenizerRunnerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A golden dir with one tokenizer (gzipped cases) and one chat file whose 2nd case is corrupted. */
    private Path smallGoldenDir() throws Exception {
        Path root = GoldenTokenizersTest.goldenRoot();
        Path tok = Files.createDirectories(tmp.resolve("g/mistral_v0_1"));
        Files.copy(root.resolve("mistral_v0_1/tokenizer.json.gz"), tok.resolve("tokenizer.json.gz"));
        Files.copy(root.resolve("mistral_v0_1/tokenizer_config.json"), tok.resolve("tokenizer_config.json"));
        List<String> cases = Files.readAllLines(root.resolve("mistral_v0_1/cases.jsonl")).subList(0, 10);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tok.resolve("cases.jsonl.gz")))) {
            out.write((String.join("\n", cases) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Path chat = Files.createDirectories(tmp.resolve("g/chat"));
        List<String> lines = Files.readAllLines(root.resolve("chat/mistral_instruct_v0_2.jsonl"));
        ObjectNode bad = null;
        int badIndex = -1;
        for (int i = 0; i < lines.size() && bad == null; i++) {
            ObjectNode c = (ObjectNode) JSON.readTree(lines.get(i));
            if (c.get("rendered").isTextual()) {
                c.put("rendered", c.get("rendered").asText() + "X");
                bad = c;
                badIndex = i;
            }
        }
        lines.set(badIndex, JSON.writeValueAsString(bad));
        Files.write(chat.resolve("mistral_instruct_v0_2.jsonl"), lines);
        return tmp.resolve("g");
    }

    @Test
    void reportsPassesAndTheFailureWithExpectedAndActual() throws Exception {
        Path dir = smallGoldenDir();
        try (var runner = new GoldenTokenizerRunner(dir, 3)) {
            GoldenReport report = runner.runAll();
            assertThat(report.files()).extracting(GoldenReport.FileResult::file)
                    .containsExactly("mistral_v0_1/cases.jsonl.gz", "chat/mistral_instruct_v0_2.jsonl");
            assertThat(report.files().get(0).passed()).isEqualTo(10);
            GoldenReport.FileResult chat = report.files().get(1);
            assertThat(chat.failed()).isEqualTo(1);
            assertThat(chat.firstFailures().get(0)).contains("rendered: expected").contains("X\"").contains("but was");
            assertThat(report.allPassed()).isFalse();
        }
    }

    @Test
    void commandExitsNonZeroOnFailureAndZeroOnTheShippedGoldens() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new GoldenTokenizersCommand());
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute(smallGoldenDir().toString())).isEqualTo(1);
        assertThat(out.toString()).contains("chat/mistral_instruct_v0_2.jsonl").contains("failed    1");

        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute(tmp.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("not a directory");
    }

    @Test
    void chatCasesWhoseTokenizerIsMissingFail() throws Exception {
        Path chat = Files.createDirectories(tmp.resolve("h/chat"));
        Files.copy(GoldenTokenizersTest.goldenRoot().resolve("chat/qwen2_vl.jsonl"), chat.resolve("qwen2_vl.jsonl"));
        try (var runner = new GoldenTokenizerRunner(tmp.resolve("h"), 1)) {
            GoldenReport.FileResult r = runner.runAll().files().get(0);
            assertThat(r.passed()).isZero();
            assertThat(r.failed()).isEqualTo(38);
            assertThat(r.firstFailures().get(0)).contains("directory qwen3").contains("missing");
        }
    }

    @Test
    void emptyDirectoryIsAnError() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new GoldenTokenizersCommand());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute(empty.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no cases.jsonl");
    }
}
