package dev.jnim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private final Sampler sampler = new Sampler();

    /** Logits whose softmax is {0.4, 0.3, 0.15, 0.1, 0.05}. */
    private static float[] fiveWay() {
        double[] p = {0.4, 0.3, 0.15, 0.1, 0.05};
        float[] l = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            l[i] = (float) Math.log(p[i]);
        }
        return l;
    }

    private static SamplingParams params(double t, int k, double p, double minP, Long seed) {
        return new SamplingParams(t, k, p, minP, seed, 1, 0, 0, Map.of(), false, 0);
    }

    private int[] histogram(float[] logits, SamplingParams p, int draws) {
        int[] counts = new int[logits.length];
        SplittableRandom rng = new SplittableRandom(42);
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(logits, 0, logits.length, p, null, rng).token()]++;
        }
        return counts;
    }

    @Test
    void greedyPicksTheArgmax() {
        float[] l = {0.1f, 3f, -2f, 2.9f};
        assertThat(sampler.sample(l, 0, 4, SamplingParams.GREEDY, null, new SplittableRandom()).token()).isEqualTo(1);
    }

    @Test
    void temperatureOneFollowsTheModelDistribution() {
        int[] c = histogram(fiveWay(), params(1, 0, 1, 0, null), 40_000);
        double[] p = {0.4, 0.3, 0.15, 0.1, 0.05};
        for (int i = 0; i < p.length; i++) {
            assertThat(c[i] / 40_000.0).isCloseTo(p[i], org.assertj.core.data.Offset.offset(0.012));
        }
    }

    @Test
    void topKKeepsOnlyTheKMostLikelyAndRenormalises() {
        int[] c = histogram(fiveWay(), params(1, 2, 1, 0, null), 20_000);
        assertThat(c[2] + c[3] + c[4]).isZero();
        assertThat(c[0] / 20_000.0).isCloseTo(0.4 / 0.7, org.assertj.core.data.Offset.offset(0.015));
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // Cumulative: 0.4, 0.7, 0.85 → p = 0.8 keeps the first three tokens.
        int[] c = histogram(fiveWay(), params(1, 0, 0.8, 0, null), 20_000);
        assertThat(c[3] + c[4]).isZero();
        assertThat(c[2]).isGreaterThan(0);
        assertThat(c[0] / 20_000.0).isCloseTo(0.4 / 0.85, org.assertj.core.data.Offset.offset(0.015));
    }

    @Test
    void minPDropsTokensBelowAFractionOfTheTop() {
        // min_p 0.3 × top 0.4 = 0.12: tokens with 0.1 and 0.05 go.
        int[] c = histogram(fiveWay(), params(1, 0, 1, 0.3, null), 20_000);
        assertThat(c[3] + c[4]).isZero();
        assertThat(c[2]).isGreaterThan(0);
    }

    @Test
    void lowTemperatureSharpensAndHighFlattens() {
        int[] cold = histogram(fiveWay(), params(0.2, 0, 1, 0, null), 10_000);
        int[] hot = histogram(fiveWay(), params(5, 0, 1, 0, null), 10_000);
        assertThat(cold[0]).isGreaterThan(8_000);
        assertThat(hot[4]).isGreaterThan(1_200);
    }

    @Test
    void sameSeedSameTokensDifferentSeedDifferentTokens() {
        float[] l = new float[1000];
        SplittableRandom init = new SplittableRandom(5);
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) init.nextDouble() * 3;
        }
        SamplingParams p = new SamplingParams(0.9, 50, 0.95, 0.01, 1234L, 1, 0, 0, Map.of(), false, 0);
        int[] a = run(l, p, new SplittableRandom(1234));
        int[] b = run(l, p, new SplittableRandom(1234));
        int[] c = run(l, p, new SplittableRandom(999));
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    private int[] run(float[] l, SamplingParams p, SplittableRandom rng) {
        int[] out = new int[50];
        for (int i = 0; i < out.length; i++) {
            out[i] = sampler.sample(l, 0, l.length, p, null, rng).token();
        }
        return out;
    }

    @Test
    void frequencyAndPresencePenaltiesSubtractAsOpenAiDefines() {
        float[] l = {2.0f, 1.9f, 0f};
        TokenHistory h = new TokenHistory(3, new int[] {2});
        h.addGenerated(0);
        h.addGenerated(0);
        // freq 0.1 × 2 occurrences + presence 0.05 = 0.25 off token 0 → 1.75 < 1.9.
        SamplingParams p = new SamplingParams(0, 0, 1, 0, null, 1, 0.1, 0.05, Map.of(), false, 0);
        assertThat(sampler.sample(l, 0, 3, p, h, new SplittableRandom()).token()).isEqualTo(1);
        // Only freq 0.04 × 2 = 0.08 off → 1.92 > 1.9: token 0 stays.
        SamplingParams small = new SamplingParams(0, 0, 1, 0, null, 1, 0.04, 0, Map.of(), false, 0);
        assertThat(sampler.sample(l, 0, 3, small, h, new SplittableRandom()).token()).isZero();
        // Negative penalties encourage repetition.
        float[] l2 = {1.0f, 1.1f, 0f};
        SamplingParams neg = new SamplingParams(0, 0, 1, 0, null, 1, -0.1, 0, Map.of(), false, 0);
        assertThat(sampler.sample(l2, 0, 3, neg, h, new SplittableRandom()).token()).isZero();
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokens() {
        TokenHistory h = new TokenHistory(3, new int[] {0, 2}); // prompt tokens count for this penalty
        SamplingParams p = new SamplingParams(0, 0, 1, 0, null, 2.0, 0, 0, Map.of(), false, 0);
        // 3.0 / 2 = 1.5 < 2.0 → token 1 wins.
        assertThat(sampler.sample(new float[] {3.0f, 2.0f, -5f}, 0, 3, p, h, new SplittableRandom()).token())
                .isEqualTo(1);
        // All negative: -1 × 2 = -2 < -1.5 → token 1 wins, although token 0 had the larger logit.
        assertThat(sampler.sample(new float[] {-1.0f, -1.5f, -9f}, 0, 3, p, h, new SplittableRandom()).token())
                .isEqualTo(1);
    }

    @Test
    void logitBiasShiftsTheChoice() {
        SamplingParams p = new SamplingParams(0, 0, 1, 0, null, 1, 0, 0, Map.of(2, 100.0), false, 0);
        assertThat(sampler.sample(new float[] {5, 4, 0}, 0, 3, p, null, new SplittableRandom()).token()).isEqualTo(2);
    }

    @Test
    void logprobsAreTheModelsLogSoftmaxAndTopAlternativesAreOrdered() {
        float[] l = fiveWay();
        SamplingParams p = new SamplingParams(0, 0, 1, 0, null, 1, 0, 0, Map.of(), true, 3);
        SampleResult r = sampler.sample(l, 0, 5, p, null, new SplittableRandom());
        assertThat(r.token()).isZero();
        assertThat((double) r.logprob()).isCloseTo(Math.log(0.4), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(r.topIds()).containsExactly(0, 1, 2);
        assertThat((double) r.topLogprobs()[2]).isCloseTo(Math.log(0.15), org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void invalidParametersAreRejectedWithTheFieldName() {
        assertThatThrownBy(() -> params(-1, 0, 1, 0, null)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> params(1, 0, 0, 0, null)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> params(1, 0, 1, 2, null)).hasMessageContaining("min_p");
        assertThatThrownBy(() -> new SamplingParams(1, 0, 1, 0, null, 0, 0, 0, Map.of(), false, 0))
                .hasMessageContaining("repetition_penalty");
        assertThatThrownBy(() -> new SamplingParams(1, 0, 1, 0, null, 1, 3, 0, Map.of(), false, 0))
                .hasMessageContaining("frequency_penalty");
        assertThatThrownBy(() -> new SamplingParams(1, 0, 1, 0, null, 1, 0, 0, Map.of(), true, 21))
                .hasMessageContaining("top_logprobs");
    }
}
