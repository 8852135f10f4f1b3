package dev.jnim.vision.preprocess;

import java.util.List;

/**
 * Outcome of {@link GoldenPreprocessRunner}: per settings folder, how many image cases passed, how many of the
 * passing ones matched the reference bit for bit, and the first failures.
 */
public record GoldenPreprocessReport(List<FolderResult> folders) {

    /** One settings folder ({@code preprocessor_config.json} + {@code case.json}). */
    public record FolderResult(String folder, int passed, int failed, int bitExact, List<String> firstFailures) {
    }

    public int passed() {
        return folders.stream().mapToInt(FolderResult::passed).sum();
    }

    public int failed() {
        return folders.stream().mapToInt(FolderResult::failed).sum();
    }

    public boolean allPassed() {
        return !folders.isEmpty() && failed() == 0;
    }
}
