package dev.jnim.engine;

import java.util.Arrays;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Picks the next token from a row of logits, as vLLM's sampler does: logit bias and penalties,
 * then greedy argmax (temperature 0) or temperature → top-k → top-p → min-p → a draw from the
 * sequence's own random generator (so a seeded request repeats exactly).
 *
 * <p>Log-probabilities are those of the model's raw distribution ({@code log_softmax} of the
 * logits before any bias, penalty or temperature), as vLLM reports by default.
 *
 * <p>Threading: holds scratch buffers; one instance per thread (the engine thread).
 */
public final class Sampler {

    private static final double FILTER_RATIO = 1e-4;

    private float[] work = new float[0];
    private long[] keys = new long[0];

    /** Samples from {@code logits[off, off + vocab)}; {@code history} may be null when no penalty is set. */
    public SampleResult sample(float[] logits, int off, int vocab, SamplingParams p, TokenHistory history,
                               RandomGenerator rng) {
        if (work.length < vocab) {
            work = new float[vocab];
            keys = new long[vocab];
        }
        System.arraycopy(logits, off, work, 0, vocab);
        applyBiasAndPenalties(p, history, vocab);
        int token = p.greedy() ? argmax(work, vocab) : draw(p, vocab, rng);
        if (!p.logprobs() && p.topLogprobs() == 0) {
            return new SampleResult(token, Float.NaN, null, null);
        }
        float lse = logSumExp(logits, off, vocab);
        float lp = logits[off + token] - lse;
        int n = p.topLogprobs();
        int[] ids = topIndices(logits, off, vocab, n);
        float[] lps = new float[n];
        for (int i = 0; i < n; i++) {
            lps[i] = logits[off + ids[i]] - lse;
        }
        return new SampleResult(token, lp, ids, lps);
    }

    private void applyBiasAndPenalties(SamplingParams p, TokenHistory h, int vocab) {
        for (Map.Entry<Integer, Double> e : p.logitBias().entrySet()) {
            int id = e.getKey();
            if (id >= 0 && id < vocab) {
                work[id] += e.getValue().floatValue();
            }
        }
        if (h == null || !p.hasPenalties()) {
            return;
        }
        float rep = (float) p.repetitionPenalty();
        float freq = (float) p.frequencyPenalty();
        float pres = (float) p.presencePenalty();
        for (int i = 0; i < h.distinctCount(); i++) {
            int id = h.distinct(i);
            float l = work[id];
            if (rep != 1f) {
                l = l > 0 ? l / rep : l * rep;
            }
            int c = h.outputCount(id);
            if (c > 0) {
                l -= freq * c + pres;
            }
            work[id] = l;
        }
    }

    private int draw(SamplingParams p, int vocab, RandomGenerator rng) {
        float invT = (float) (1.0 / p.temperature());
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            work[i] *= invT;
            max = Math.max(max, work[i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            float e = (float) Math.exp(work[i] - max);
            work[i] = e;
            sum += e;
        }
        float maxProb = (float) (1.0 / sum); // the top token's probability (exp(0) / sum)
        boolean cut = p.topK() > 0 && p.topK() < vocab || p.topP() < 1;
        if (!cut) {
            double minKeep = p.minP() * maxProb * sum;
            double total = 0;
            for (int i = 0; i < vocab; i++) {
                if (work[i] < minKeep) {
                    work[i] = 0;
                }
                total += work[i];
            }
            double u = rng.nextDouble() * total;
            double acc = 0;
            int last = 0;
            for (int i = 0; i < vocab; i++) {
                if (work[i] > 0) {
                    acc += work[i];
                    last = i;
                    if (u < acc) {
                        return i;
                    }
                }
            }
            return last;
        }
        int n = sortedCandidates(p, vocab, sum);
        // top-k, then top-p over probabilities renormalised by the full sum (as vLLM does).
        int keep = p.topK() > 0 ? Math.min(n, p.topK()) : n;
        double mass = 0;
        int kept = 0;
        for (; kept < keep; kept++) {
            mass += work[(int) keys[kept]] / sum;
            if (mass >= p.topP()) {
                kept++;
                break;
            }
        }
        keep = Math.max(1, kept);
        double minKeep = p.minP() * maxProb * sum;
        double total = 0;
        int m = 0;
        for (; m < keep; m++) {
            float w = work[(int) keys[m]];
            if (m > 0 && w < minKeep) {
                break;
            }
            total += w;
        }
        double u = rng.nextDouble() * total;
        double acc = 0;
        for (int i = 0; i < m; i++) {
            acc += work[(int) keys[i]];
            if (u < acc) {
                return (int) keys[i];
            }
        }
        return (int) keys[m - 1];
    }

    /**
     * Fills {@code keys[0, n)} with token ids sorted by descending probability (ties: lower id first).
     * Only tokens above a small fraction of the top probability are sorted when they already hold
     * all the mass top-p and top-k can keep; otherwise every token is sorted. Exact either way.
     */
    private int sortedCandidates(SamplingParams p, int vocab, double sum) {
        float threshold = (float) (FILTER_RATIO / sum);
        int n = 0;
        double mass = 0;
        for (int i = 0; i < vocab; i++) {
            if (work[i] >= threshold) {
                keys[n++] = key(work[i], i);
                mass += work[i] / sum;
            }
        }
        boolean enough = mass >= p.topP() && (p.topK() <= 0 || n >= p.topK());
        if (!enough) {
            n = 0;
            for (int i = 0; i < vocab; i++) {
                keys[n++] = key(work[i], i);
            }
        }
        Arrays.sort(keys, 0, n);
        for (int i = 0; i < n; i++) {
            keys[i] = (int) (keys[i] & 0xFFFFFFFFL);
        }
        return n;
    }

    /** Ascending sort of this key is descending probability, then ascending id. */
    private static long key(float prob, int id) {
        return ((long) ~Float.floatToRawIntBits(prob) << 32) | (id & 0xFFFFFFFFL);
    }

    static int argmax(float[] x, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    private static float logSumExp(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.exp(x[off + i] - max);
        }
        return (float) (max + Math.log(s));
    }

    /** The {@code k} largest entries' indices, largest first (ties: lower index first). */
    static int[] topIndices(float[] x, int off, int n, int k) {
        int[] ids = new int[k];
        float[] vals = new float[k];
        int size = 0;
        for (int i = 0; i < n && k > 0; i++) {
            float v = x[off + i];
            if (size == k && v <= vals[k - 1]) {
                continue;
            }
            int pos = size < k ? size++ : k - 1;
            while (pos > 0 && vals[pos - 1] < v) {
                vals[pos] = vals[pos - 1];
                ids[pos] = ids[pos - 1];
                pos--;
            }
            vals[pos] = v;
            ids[pos] = i;
        }
        return ids;
    }
}
