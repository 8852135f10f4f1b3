package dev.jnim.loadgen;

import java.util.Arrays;

/**
 * Distribution of one latency over all samples of a concurrency level, in milliseconds.
 * Percentiles as {@link Percentiles} computes them; with no samples every figure is NaN and
 * {@code count} is 0.
 */
public record Summary(int count, double mean, double min, double p50, double p90, double p99, double max) {

    static final Summary EMPTY = new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** Summarises samples given in nanoseconds (the array is not modified). */
    public static Summary ofNanos(double[] nanos) {
        if (nanos.length == 0) {
            return EMPTY;
        }
        double[] ms = new double[nanos.length];
        double sum = 0;
        for (int i = 0; i < nanos.length; i++) {
            ms[i] = nanos[i] / 1e6;
            sum += ms[i];
        }
        Arrays.sort(ms);
        return new Summary(ms.length, sum / ms.length, ms[0], Percentiles.ofSorted(ms, 50),
                Percentiles.ofSorted(ms, 90), Percentiles.ofSorted(ms, 99), ms[ms.length - 1]);
    }
}
