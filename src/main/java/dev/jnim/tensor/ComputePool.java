package dev.jnim.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The fixed pool of platform threads that runs all heavy numeric work (matrix multiplies,
 * attention). The calling thread takes part, so a pool of N threads starts N-1 workers.
 *
 * <p>Threading: {@link #parallelFor} is called by one thread at a time (the engine thread; calls
 * are serialised by this object's monitor). Work is handed out in chunks of {@code grain} items
 * through an atomic counter, so uneven items (causal attention rows) balance themselves. Workers
 * spin briefly after each task, because a forward pass issues hundreds of short tasks back to
 * back, then park.
 */
public final class ComputePool implements AutoCloseable {

    /** A piece of work over item indices {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    private static final int SPIN_ITERATIONS = 4000;

    private final int threads;
    private final Thread[] workers;
    private volatile long generation;
    private volatile boolean closed;
    // Current task; published by the volatile write of generation.
    private RangeTask task;
    private int items;
    private int grain;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Throwable failure;
    private volatile Thread caller;

    public ComputePool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("compute threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("jnim-compute-" + (i + 1)).unstarted(this::workerLoop);
            workers[i].start();
        }
    }

    /** A pool with one thread per available processor. */
    public static ComputePool forAvailableProcessors() {
        return new ComputePool(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over {@code [0, n)} in chunks of {@code grain}, on all pool threads, and
     * returns when every chunk is done. An exception in any chunk is rethrown here.
     */
    public synchronized void parallelFor(int n, int grain, RangeTask task) {
        if (n <= 0) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("compute pool is closed");
        }
        int g = Math.max(1, grain);
        if (workers.length == 0 || n <= g) {
            task.run(0, n);
            return;
        }
        this.task = task;
        this.items = n;
        this.grain = g;
        this.failure = null;
        this.caller = Thread.currentThread();
        next.set(0);
        pending.set(workers.length);
        generation = generation + 1; // publishes the fields above
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        try {
            runChunks();
        } catch (Throwable t) {
            failure = t;
        }
        int spins = 0;
        while (pending.get() > 0) {
            if (++spins < SPIN_ITERATIONS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(10_000);
            }
        }
        this.task = null;
        Throwable f = failure;
        if (f != null) {
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(f);
        }
    }

    private void runChunks() {
        RangeTask t = task;
        int n = items;
        int g = grain;
        while (true) {
            int start = next.getAndAdd(g);
            if (start >= n) {
                return;
            }
            t.run(start, Math.min(n, start + g));
        }
    }

    private void workerLoop() {
        long seen = 0;
        while (!closed) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < SPIN_ITERATIONS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                runChunks();
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
