package dev.jnim.loadgen;

import java.util.Arrays;

/**
 * Exact percentiles over all samples: the samples are sorted and the percentile is interpolated
 * linearly between the two closest ranks, rank {@code p/100 * (n - 1)} (the "linear" method, type 7
 * of Hyndman and Fan, numpy's default, which vLLM's {@code benchmark_serving} uses), so figures
 * compare directly with theirs. No histogram, no sampling: load runs are small enough to keep
 * every sample.
 */
public final class Percentiles {

    private Percentiles() {
    }

    /**
     * The {@code p}-th percentile of {@code sorted} (ascending), {@code p} in [0, 100].
     *
     * @throws IllegalArgumentException if there are no samples or {@code p} is out of range
     */
    public static double ofSorted(double[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100]: " + p);
        }
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = rank - lo;
        return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
    }

    /** The {@code p}-th percentile of unsorted samples (the array is not modified). */
    public static double of(double[] samples, double p) {
        double[] s = samples.clone();
        Arrays.sort(s);
        return ofSorted(s, p);
    }
}
