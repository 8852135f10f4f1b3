package dev.jnim.loadgen;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Renders a {@link BenchReport} as an aligned text table with a header line and notes. */
public final class ReportTable {

    private record Column(String header, Function<LevelReport, String> value) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("conc", l -> Integer.toString(l.concurrency())),
            new Column("reqs", l -> Integer.toString(l.requests())),
            new Column("ok", l -> Integer.toString(l.succeeded())),
            new Column("err", l -> Integer.toString(l.failed())),
            new Column("time s", l -> fmt(l.durationSeconds(), 2)),
            new Column("req/s", l -> fmt(l.requestsPerSecond(), 2)),
            new Column("out tok/s", l -> fmt(l.outputTokensPerSecond(), 1)),
            new Column("TTFT p50", l -> fmt(l.ttft().p50(), 1)),
            new Column("TTFT p99", l -> fmt(l.ttft().p99(), 1)),
            new Column("ITL p50", l -> fmt(l.itl().p50(), 2)),
            new Column("ITL p99", l -> fmt(l.itl().p99(), 2)),
            new Column("E2E p50", l -> fmt(l.e2e().p50(), 1)),
            new Column("prompt tok", l -> fmt(l.meanPromptTokens(), 1)),
            new Column("cached tok", l -> fmt(l.meanCachedTokens(), 1)));

    private ReportTable() {
    }

    /** The header line describing the run (model, endpoint, prompt shape). */
    public static String header(LoadSettings s, String model) {
        return String.format(Locale.ROOT,
                "%s%s  model=%s  prompt≈%d words (shared prefix %d)  max_tokens=%d  %d requests/level  seed=%d%n"
                        + "latencies in ms; rates over each level's wall time, successful requests only",
                s.baseUrl(), s.endpoint().path(), model, s.promptTokens(), s.sharedPrefix(), s.maxTokens(),
                s.requests(), s.seed());
    }

    /** The column header row followed by one row per level, columns right-aligned. */
    public static String table(List<LevelReport> levels) {
        int[] width = new int[COLUMNS.size()];
        String[][] cells = new String[levels.size()][COLUMNS.size()];
        for (int c = 0; c < COLUMNS.size(); c++) {
            width[c] = COLUMNS.get(c).header().length();
            for (int r = 0; r < levels.size(); r++) {
                cells[r][c] = COLUMNS.get(c).value().apply(levels.get(r));
                width[c] = Math.max(width[c], cells[r][c].length());
            }
        }
        var sb = new StringBuilder();
        for (int c = 0; c < COLUMNS.size(); c++) {
            pad(sb, COLUMNS.get(c).header(), width[c], c);
        }
        for (String[] row : cells) {
            sb.append('\n');
            for (int c = 0; c < row.length; c++) {
                pad(sb, row[c], width[c], c);
            }
        }
        return sb.toString();
    }

    /** Error counts with a sample message per kind, warm-up failures and truncation; empty when none. */
    public static String notes(BenchReport report) {
        var sb = new StringBuilder();
        for (LevelReport l : report.levels()) {
            for (Map.Entry<String, Integer> e : l.errors().entrySet()) {
                sb.append(String.format(Locale.ROOT, "errors at concurrency %d: %s x%d (first: %s)%n", l.concurrency(),
                        e.getKey(), e.getValue(), StreamChunk.abbreviate(l.errorExamples().get(e.getKey()))));
            }
            if (l.notStarted() > 0) {
                sb.append(String.format(Locale.ROOT, "concurrency %d: %d requests not sent (--max-duration-s reached)%n",
                        l.concurrency(), l.notStarted()));
            }
            if (l.succeeded() > 0 && l.requestsWithUsage() < l.succeeded()) {
                sb.append(String.format(Locale.ROOT,
                        "concurrency %d: %d requests without usage; their output tokens are content chunks%n",
                        l.concurrency(), l.succeeded() - l.requestsWithUsage()));
            }
        }
        if (!report.skippedLevels().isEmpty()) {
            sb.append("levels not run (--max-duration-s reached): ").append(report.skippedLevels()).append('\n');
        }
        for (String w : report.warmupFailures()) {
            sb.append("warm-up request failed: ").append(StreamChunk.abbreviate(w)).append('\n');
        }
        return sb.toString();
    }

    private static void pad(StringBuilder sb, String s, int width, int column) {
        sb.append(column == 0 ? "" : "  ").append(" ".repeat(width - s.length())).append(s);
    }

    private static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
