package dev.jnim.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTableTest {

    private static LevelReport level(int c, Map<String, Integer> errors, double meanPrompt) {
        Summary ttft = Summary.ofNanos(new double[] {10e6, 20e6});
        Summary none = Summary.ofNanos(new double[0]);
        Map<String, String> examples = errors.isEmpty() ? Map.of() : Map.of("http_500", "scripted failure");
        return new LevelReport(c, 10, 10 - errors.values().stream().mapToInt(i -> i).sum(),
                errors.values().stream().mapToInt(i -> i).sum(), 0, c, 2.0, 400, 10, meanPrompt, Double.NaN,
                ttft, none, ttft, errors, examples);
    }

    private static BenchReport report() {
        var s = new SettingsBuilder(URI.create("http://127.0.0.1:8000"));
        s.concurrency = List.of(1, 16, 64);
        s.apiKey = "sk-never-print-me";
        return new BenchReport(s.build(), "m", List.of(level(1, Map.of(), 530.5), level(16, Map.of("http_500", 3), Double.NaN)),
                List.of(64), List.of(), 5.0);
    }

    @Test
    void tableIsAlignedWithOneRowPerLevel() {
        String[] lines = ReportTable.table(report().levels()).split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).contains("conc", "req/s", "out tok/s", "TTFT p50", "TTFT p99", "ITL p50", "ITL p99", "E2E p50", "err");
        assertThat(lines[1]).hasSameSizeAs(lines[0]);
        assertThat(lines[2]).hasSameSizeAs(lines[0]);
        // Right-aligned: each row ends where the header ends; unknown figures are "-".
        assertThat(lines[1]).endsWith("-").contains("530.5", "200.0", "5.00");
        assertThat(lines[2].strip()).startsWith("16");
    }

    @Test
    void notesListErrorsByKindAndSkippedLevels() {
        String notes = ReportTable.notes(report());
        assertThat(notes).contains("errors at concurrency 16: http_500 x3 (first: scripted failure)");
        assertThat(notes).contains("levels not run (--max-duration-s reached): [64]");
        assertThat(ReportTable.header(report().settings(), "m")).contains("/v1/chat/completions", "model=m")
                .doesNotContain("sk-never-print-me");
    }

    @Test
    void jsonHasEveryFigureNullForUnknownAndNoKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.json");
        JsonReport.write(report(), file);
        String text = Files.readString(file);
        assertThat(text).doesNotContain("sk-never-print-me").doesNotContain("NaN");
        JsonNode root = new ObjectMapper().readTree(text);
        assertThat(root.path("model").asText()).isEqualTo("m");
        JsonNode l = root.path("levels").path(1);
        assertThat(l.path("concurrency").asInt()).isEqualTo(16);
        assertThat(l.path("requests_per_s").asDouble()).isEqualTo(3.5);
        assertThat(l.path("output_tokens_per_s").asDouble()).isEqualTo(200.0);
        assertThat(l.path("ttft_ms").path("p50").asDouble()).isEqualTo(15.0);
        assertThat(l.path("itl_ms").path("p50").isNull()).isTrue();
        assertThat(l.path("mean_prompt_tokens").isNull()).isTrue();
        assertThat(l.path("errors").path("http_500").asInt()).isEqualTo(3);
        assertThat(root.path("skipped_levels").path(0).asInt()).isEqualTo(64);
    }
}
