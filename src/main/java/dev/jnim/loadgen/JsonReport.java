package dev.jnim.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a {@link BenchReport} as JSON: the settings (without the API key), then per level every
 * figure of {@link LevelReport}, latencies in milliseconds. A figure the run could not measure
 * (no samples, no usage) is {@code null}, never NaN, so any JSON parser reads the file.
 */
public final class JsonReport {

    private JsonReport() {
    }

    /** The report as a JSON tree. */
    public static ObjectNode toJson(ObjectMapper json, BenchReport report) {
        LoadSettings s = report.settings();
        ObjectNode root = json.createObjectNode();
        root.put("url", s.baseUrl().toString());
        root.put("endpoint", s.endpoint().path());
        root.put("model", report.model());
        root.put("prompt_words", s.promptTokens());
        root.put("shared_prefix_words", s.sharedPrefix());
        root.put("max_tokens", s.maxTokens());
        root.put("requests_per_level", s.requests());
        root.put("seed", s.seed());
        root.put("temperature", s.temperature());
        root.put("ignore_eos", s.ignoreEos());
        root.put("timeout_s", s.requestTimeout().toMillis() / 1e3);
        root.put("max_duration_s", s.maxDuration().toMillis() / 1e3);
        root.put("warmup_requests", s.warmupRequests());
        root.put("duration_s", report.durationSeconds());
        root.put("percentile_method", "exact, linear interpolation between closest ranks (numpy 'linear')");
        var levels = root.putArray("levels");
        for (LevelReport l : report.levels()) {
            ObjectNode n = levels.addObject();
            n.put("concurrency", l.concurrency());
            n.put("requests", l.requests());
            n.put("succeeded", l.succeeded());
            n.put("failed", l.failed());
            n.put("not_started", l.notStarted());
            n.put("max_in_flight", l.maxInFlight());
            n.put("duration_s", l.durationSeconds());
            n.put("requests_per_s", l.requestsPerSecond());
            n.put("output_tokens", l.outputTokens());
            n.put("output_tokens_per_s", l.outputTokensPerSecond());
            n.put("requests_with_usage", l.requestsWithUsage());
            putNumber(n, "mean_prompt_tokens", l.meanPromptTokens());
            putNumber(n, "mean_cached_tokens", l.meanCachedTokens());
            putSummary(n.putObject("ttft_ms"), l.ttft());
            putSummary(n.putObject("itl_ms"), l.itl());
            putSummary(n.putObject("e2e_ms"), l.e2e());
            ObjectNode errors = n.putObject("errors");
            for (Map.Entry<String, Integer> e : l.errors().entrySet()) {
                errors.put(e.getKey(), e.getValue());
            }
            ObjectNode examples = n.putObject("error_examples");
            l.errorExamples().forEach(examples::put);
        }
        var skipped = root.putArray("skipped_levels");
        report.skippedLevels().forEach(skipped::add);
        var warmup = root.putArray("warmup_failures");
        report.warmupFailures().forEach(warmup::add);
        return root;
    }

    /** Writes the report to {@code file}, pretty-printed. */
    public static void write(BenchReport report, Path file) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(file.toFile(), toJson(json, report));
    }

    private static void putSummary(ObjectNode n, Summary s) {
        n.put("count", s.count());
        putNumber(n, "mean", s.mean());
        putNumber(n, "min", s.min());
        putNumber(n, "p50", s.p50());
        putNumber(n, "p90", s.p90());
        putNumber(n, "p99", s.p99());
        putNumber(n, "max", s.max());
    }

    private static void putNumber(ObjectNode n, String field, double v) {
        if (Double.isNaN(v)) {
            n.putNull(field);
        } else {
            n.put(field, v);
        }
    }
}
