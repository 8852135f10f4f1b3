package dev.jnim.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Values checked against numpy: {@code np.percentile(x, p)} (method "linear"). */
class PercentilesTest {

    @Test
    void interpolatesLinearlyBetweenClosestRanksLikeNumpy() {
        double[] x = {15, 20, 35, 40, 50};
        assertThat(Percentiles.of(x, 0)).isEqualTo(15);
        assertThat(Percentiles.of(x, 50)).isEqualTo(35);
        assertThat(Percentiles.of(x, 100)).isEqualTo(50);
        assertThat(Percentiles.of(x, 30)).isCloseTo(23.0, within(1e-12));   // np: 23.0
        assertThat(Percentiles.of(x, 40)).isCloseTo(29.0, within(1e-12));   // np: 29.0
        assertThat(Percentiles.of(x, 99)).isCloseTo(49.6, within(1e-12));   // np: 49.6
    }

    @Test
    void evenCountMedianIsTheMeanOfTheMiddleTwo() {
        assertThat(Percentiles.of(new double[] {4, 1, 3, 2}, 50)).isEqualTo(2.5);
    }

    @Test
    void p99OfOneToHundredIsNinetyNinePointZeroOne() {
        double[] x = new double[100];
        for (int i = 0; i < 100; i++) {
            x[99 - i] = i + 1; // descending: of() must sort
        }
        assertThat(Percentiles.of(x, 99)).isCloseTo(99.01, within(1e-9)); // np: 99.01
        assertThat(Percentiles.of(x, 50)).isCloseTo(50.5, within(1e-9));
        assertThat(x[0]).isEqualTo(100); // input untouched
    }

    @Test
    void oneSampleIsEveryPercentile() {
        assertThat(Percentiles.of(new double[] {7}, 0)).isEqualTo(7);
        assertThat(Percentiles.of(new double[] {7}, 99)).isEqualTo(7);
    }

    @Test
    void noSamplesOrOutOfRangeIsRefused() {
        assertThatThrownBy(() -> Percentiles.of(new double[0], 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.of(new double[] {1}, 101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.of(new double[] {1}, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void summaryConvertsNanosToMillis() {
        Summary s = Summary.ofNanos(new double[] {3e6, 1e6, 2e6});
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.p50()).isEqualTo(2.0);
        assertThat(s.mean()).isCloseTo(2.0, within(1e-12));
        assertThat(s.max()).isEqualTo(3.0);
        assertThat(Summary.ofNanos(new double[0]).p50()).isNaN();
    }
}
