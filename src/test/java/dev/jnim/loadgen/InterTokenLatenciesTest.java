package dev.jnim.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InterTokenLatenciesTest {

    @Test
    void oneTokenPerChunkGivesTheGaps() {
        long[] t = {100, 130, 170, 180};
        assertThat(InterTokenLatencies.of(t, 4, 4)).containsExactly(30, 40, 10);
        assertThat(InterTokenLatencies.of(t, 4, -1)).containsExactly(30, 40, 10);
    }

    @Test
    void onlyTheFirstChunksCountedAreUsed() {
        long[] t = {100, 130, 0, 0, 0, 0, 0, 0};
        assertThat(InterTokenLatencies.of(t, 2, 2)).containsExactly(30);
    }

    @Test
    void severalTokensPerChunkDivideTheGapEvenly() {
        long[] t = {0, 60, 120, 180};
        assertThat(InterTokenLatencies.of(t, 4, 8)).containsExactly(30, 30, 30, 30, 30, 30);
    }

    @Test
    void unevenTokenCountsPutTheExtraTokensInTheLastChunks() {
        // 7 tokens in 3 chunks: 2, 2, 3.
        long[] t = {0, 40, 100};
        assertThat(InterTokenLatencies.of(t, 3, 7)).containsExactly(20, 20, 20, 20, 20);
        // The samples always add up to the first-to-last-chunk time.
        assertThat(Arrays.stream(InterTokenLatencies.of(t, 3, 7)).sum()).isEqualTo(100);
    }

    @Test
    void moreChunksThanTokensKeepsOneSamplePerGap() {
        assertThat(InterTokenLatencies.of(new long[] {0, 5, 9}, 3, 2)).containsExactly(5, 4);
    }

    @Test
    void fewerThanTwoChunksGiveNoSample() {
        assertThat(InterTokenLatencies.of(new long[] {5}, 1, 10)).isEmpty();
        assertThat(InterTokenLatencies.of(new long[0], 0, -1)).isEmpty();
    }
}
