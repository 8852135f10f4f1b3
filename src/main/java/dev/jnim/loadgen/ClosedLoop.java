package dev.jnim.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One concurrency level as a closed loop: {@code C} workers on virtual threads, each sending its
 * next request as soon as its previous one finished, until the level's requests are used up or the
 * run's time is. So at most {@code C} requests are in flight, and exactly {@code C} while enough
 * requests remain.
 *
 * <p>Threads: workers take request numbers from an atomic counter and each writes only its own
 * slots of the results array; {@link java.util.concurrent.ExecutorService#close()} waiting for them
 * publishes the array to the calling thread.
 */
final class ClosedLoop {

    private ClosedLoop() {
    }

    /**
     * @param firstRequestId the prompt number of this level's first request (prompts differ across levels)
     */
    static LevelReport run(StreamingClient client, PromptFactory prompts, long firstRequestId, int concurrency,
                           int requests, long runDeadlineNanos) throws InterruptedException {
        var results = new RequestResult[requests];
        var next = new AtomicInteger();
        var inFlight = new AtomicInteger();
        var maxInFlight = new AtomicInteger();
        var workers = new ArrayList<Future<Void>>();
        long start = System.nanoTime();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < Math.min(concurrency, requests); w++) {
                workers.add(executor.submit(() -> {
                    int i;
                    while (System.nanoTime() < runDeadlineNanos && (i = next.getAndIncrement()) < requests) {
                        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        try {
                            results[i] = client.send(prompts.prompt(firstRequestId + i), runDeadlineNanos);
                        } finally {
                            inFlight.decrementAndGet();
                        }
                    }
                    return null;
                }));
            }
        }
        long duration = System.nanoTime() - start;
        for (Future<Void> w : workers) {
            try {
                w.get();
            } catch (ExecutionException e) {
                // A worker can only fail through a bug; do not report figures that miss its requests.
                throw new IllegalStateException("a load worker failed", e.getCause());
            }
        }
        List<RequestResult> sent = new ArrayList<>(requests);
        for (RequestResult r : results) {
            if (r != null) {
                sent.add(r);
            }
        }
        return LevelReport.of(concurrency, requests, sent, maxInFlight.get(), duration);
    }
}
