package dev.jnim.tokenizer;

import java.util.List;

/**
 * Outcome of a golden run: per case file, how many cases passed and failed, and the first failures
 * (expected vs actual).
 */
public record GoldenReport(List<FileResult> files) {

    /** Cases of one file. */
    public record FileResult(String file, int passed, int failed, List<String> firstFailures) {
    }

    public GoldenReport {
        files = List.copyOf(files);
    }

    /** True when at least one case ran and none failed. */
    public boolean allPassed() {
        return !files.isEmpty() && files.stream().allMatch(f -> f.failed() == 0);
    }

    /** Total cases passed. */
    public int passed() {
        return files.stream().mapToInt(FileResult::passed).sum();
    }

    /** Total cases failed. */
    public int failed() {
        return files.stream().mapToInt(FileResult::failed).sum();
    }
}
