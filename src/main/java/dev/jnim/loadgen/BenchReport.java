package dev.jnim.loadgen;

import java.util.List;

/**
 * The result of a whole load run.
 *
 * @param model            the model the requests named
 * @param levels           the levels that ran, in order
 * @param skippedLevels    concurrency levels not started because {@code --max-duration-s} ran out
 * @param warmupFailures   the error labels of failed warm-up requests (their figures are never counted)
 * @param durationSeconds  wall time of the whole run, warm-up included
 */
public record BenchReport(LoadSettings settings, String model, List<LevelReport> levels, List<Integer> skippedLevels,
                          List<String> warmupFailures, double durationSeconds) {

    public BenchReport {
        levels = List.copyOf(levels);
        skippedLevels = List.copyOf(skippedLevels);
        warmupFailures = List.copyOf(warmupFailures);
    }

    /** Whether {@code --max-duration-s} cut the run short (levels skipped or requests never sent). */
    public boolean truncated() {
        return !skippedLevels.isEmpty() || levels.stream().anyMatch(l -> l.notStarted() > 0);
    }
}
