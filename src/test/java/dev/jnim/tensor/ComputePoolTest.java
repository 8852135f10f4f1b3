package dev.jnim.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ComputePoolTest {

    @Test
    void everyIndexRunsExactlyOnceAcrossManyCalls() {
        try (ComputePool pool = new ComputePool(4)) {
            for (int round = 0; round < 200; round++) {
                int n = 1 + round * 7;
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                pool.parallelFor(n, 1 + round % 5, (s, e) -> {
                    for (int i = s; i < e; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertThat(hits.get(i)).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void theCallerWaitsForTheChunksAWorkerTookAndLateWorkersNeverRunStaleTasks() throws Exception {
        try (ComputePool pool = new ComputePool(2)) {
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch workerIn = new java.util.concurrent.CountDownLatch(1);
            // Two items, one per thread: the caller's item waits until the worker holds the other,
            // and the worker's item blocks until released.
            Thread first = Thread.ofPlatform().start(() -> pool.parallelFor(2, 1, (s, e) -> {
                if (Thread.currentThread().getName().startsWith("jnim-compute")) {
                    workerIn.countDown();
                    awaitQuietly(release);
                } else {
                    awaitQuietly(workerIn);
                }
            }));
            assertThat(workerIn.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            // The first call cannot finish while its worker is blocked...
            first.join(200);
            assertThat(first.isAlive()).isTrue();
            release.countDown();
            first.join();
            // ...and afterwards many calls complete, every item exactly once, whoever runs them.
            for (int round = 0; round < 500; round++) {
                AtomicIntegerArray hits = new AtomicIntegerArray(64);
                pool.parallelFor(64, 8, (s, e) -> {
                    for (int i = s; i < e; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < 64; i++) {
                    assertThat(hits.get(i)).isEqualTo(1);
                }
            }
        }
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void exceptionInAWorkerReachesTheCallerAndThePoolStaysUsable() {
        try (ComputePool pool = new ComputePool(2)) {
            assertThatThrownBy(() -> pool.parallelFor(100, 1, (s, e) -> {
                if (s == 97) {
                    throw new IllegalStateException("boom");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
            int[] sum = new int[1];
            pool.parallelFor(10, 10, (s, e) -> sum[0] += e - s);
            assertThat(sum[0]).isEqualTo(10);
        }
    }

    @Test
    void rejectsBadSizeAndUseAfterClose() {
        assertThatThrownBy(() -> new ComputePool(0)).hasMessageContaining(">= 1");
        ComputePool pool = new ComputePool(2);
        pool.close();
        assertThatThrownBy(() -> pool.parallelFor(10, 1, (s, e) -> { })).hasMessageContaining("closed");
    }
}
