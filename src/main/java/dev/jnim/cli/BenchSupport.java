package dev.jnim.cli;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Small helpers shared by the benchmark commands. */
final class BenchSupport {

    private BenchSupport() {
    }

    /** {@code n} token ids drawn uniformly from the vocabulary, the same for the same seed. */
    static int[] randomTokens(int n, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(vocab);
        }
        return t;
    }

    /** The median (upper median for an even count). */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
