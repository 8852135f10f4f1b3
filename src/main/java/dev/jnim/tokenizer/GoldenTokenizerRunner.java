package dev.jnim.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Runs every tokenizer and chat-template case of a directory laid out as {@code golden/tokenizers}
 * (see its README): {@code <tokenizer>/cases.jsonl}, {@code chat/*.jsonl}, {@code chat/divergent/*.jsonl};
 * any file may be gzipped ({@code .gz}). Used by the golden tests and by {@code jnim golden tokenizers}.
 */
public final class GoldenTokenizerRunner implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final int maxFailuresShown;
    private final Map<String, LoadedTokenizer> tokenizers = new HashMap<>();

    public GoldenTokenizerRunner(Path root, int maxFailuresShown) {
        this.root = root;
        this.maxFailuresShown = maxFailuresShown;
    }

    /** Runs all case files under the root, tokenizers first, then chat goldens, then divergent cases. */
    public GoldenReport runAll() {
        List<GoldenReport.FileResult> results = new ArrayList<>();
        for (Path dir : list(root)) {
            Path cases = withGz(dir.resolve("cases.jsonl"));
            if (Files.isDirectory(dir) && cases != null) {
                results.add(runTokenizerCases(dir.getFileName().toString(), cases));
            }
        }
        for (Path file : caseFiles(root.resolve("chat"))) {
            results.add(runChatCases(file, false));
        }
        for (Path file : caseFiles(root.resolve("chat").resolve("divergent"))) {
            results.add(runChatCases(file, true));
        }
        if (results.isEmpty()) {
            throw new TokenizerException(root + ": no cases.jsonl or chat/*.jsonl found; is this a golden tokenizers directory?");
        }
        return new GoldenReport(results);
    }

    /** Runs {@code <tokenizer>/cases.jsonl} against the tokenizer in the same directory. */
    public GoldenReport.FileResult runTokenizerCases(String name, Path casesFile) {
        var tally = new Tally(root.relativize(casesFile).toString(), maxFailuresShown);
        LoadedTokenizer loaded;
        try {
            loaded = tokenizer(name);
        } catch (TokenizerException e) {
            for (JsonNode c : readLines(casesFile)) {
                tally.fail(c.path("id").asText(), "load", "a tokenizer", e.getMessage());
            }
            return tally.result();
        }
        for (JsonNode c : readLines(casesFile)) {
            tally.record(c.path("id").asText(), TokenizerCaseCheck.check(loaded.tokenizer(), c));
        }
        return tally.result();
    }

    /** Runs chat cases; divergent ones are judged by their {@code python_jinja2} result. */
    public GoldenReport.FileResult runChatCases(Path file, boolean divergent) {
        var tally = new Tally(root.relativize(file).toString(), maxFailuresShown);
        for (JsonNode c : readLines(file)) {
            String tokName = c.path("tokenizer").isTextual() ? c.get("tokenizer").asText() : null;
            Tokenizer tok = null;
            if (tokName != null && c.path("ids").isArray() && !Files.isDirectory(root.resolve(tokName))) {
                tally.fail(c.path("id").asText(), "tokenizer", "directory " + tokName + " with the tokenizer for 'ids'",
                        "missing from " + root);
                continue;
            }
            if (tokName != null && Files.isDirectory(root.resolve(tokName))) {
                try {
                    tok = tokenizer(tokName).tokenizer();
                } catch (TokenizerException e) {
                    tally.fail(c.path("id").asText(), "tokenizer", tokName, e.getMessage());
                    continue;
                }
            }
            tally.record(c.path("id").asText(), ChatCaseCheck.check(c, divergent, tok));
        }
        return tally.result();
    }

    private LoadedTokenizer tokenizer(String name) {
        LoadedTokenizer t = tokenizers.get(name);
        if (t == null) {
            t = TokenizerLoader.load(root.resolve(name));
            tokenizers.put(name, t);
        }
        return t;
    }

    @Override
    public void close() {
        tokenizers.values().forEach(LoadedTokenizer::close);
        tokenizers.clear();
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new TokenizerException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static List<Path> caseFiles(Path dir) {
        return list(dir).stream().filter(Files::isRegularFile)
                .filter(p -> p.toString().endsWith(".jsonl") || p.toString().endsWith(".jsonl.gz")).toList();
    }

    private static Path withGz(Path file) {
        if (Files.isRegularFile(file)) {
            return file;
        }
        Path gz = file.resolveSibling(file.getFileName() + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    static List<JsonNode> readLines(Path file) {
        List<JsonNode> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (!line.isBlank()) {
                    try {
                        out.add(JSON.readTree(line));
                    } catch (IOException e) {
                        throw new TokenizerException(file + ":" + n + ": not valid JSON: " + e.getMessage(), e);
                    }
                }
            }
        } catch (IOException e) {
            throw new TokenizerException(file + ": cannot read: " + e.getMessage(), e);
        }
        return out;
    }

    /** Counts one file's cases and keeps the first failures. */
    private static final class Tally {
        private final String file;
        private final int max;
        private int passed;
        private int failed;
        private final List<String> failures = new ArrayList<>();

        Tally(String file, int max) {
            this.file = file;
            this.max = max;
        }

        void record(String id, List<String> mismatches) {
            if (mismatches.isEmpty()) {
                passed++;
            } else {
                failed++;
                if (failures.size() < max) {
                    failures.add(id + ": " + String.join("; ", mismatches));
                }
            }
        }

        void fail(String id, String field, String expected, String actual) {
            record(id, List.of(CaseMismatch.describe(field, expected, actual)));
        }

        GoldenReport.FileResult result() {
            return new GoldenReport.FileResult(file, passed, failed, failures);
        }
    }
}
