package dev.jnim.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * <p>A worker takes part in a task only if it joins before the caller has taken the last chunk:
 * the caller then closes the task and waits only for the workers that joined. A worker the
 * operating system has descheduled (a busy, shared machine) therefore never holds up a forward
 * pass; it finds the task closed when it runs again and goes back to waiting.
 */
public final class ComputePool implements AutoCloseable {

    /** A piece of work over item indices {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    private static final int SPIN_ITERATIONS = 4000;
    // state = generation << GEN_SHIFT | CLOSED (the task takes no more workers) | workers running it
    private static final int GEN_SHIFT = 20;
    private static final long CLOSED = 1L << (GEN_SHIFT - 1);
    private static final long ACTIVE = CLOSED - 1;

    private final int threads;
    private final Thread[] workers;
    private final AtomicLong state = new AtomicLong(CLOSED);
    private volatile boolean closed;
    // Current task; published by the volatile write of state.
    private RangeTask task;
    private int items;
    private int grain;
    private final AtomicInteger next = new AtomicInteger();
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
     * Runs {@code task} over {@code [0, n)} in chunks of {@code grain}, on the calling thread and
     * whichever workers join in time, and returns when every chunk is done. An exception in any
     * chunk is rethrown here.
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
        long generation = (state.get() >>> GEN_SHIFT) + 1;
        state.set(generation << GEN_SHIFT); // open, no worker yet; publishes the fields above
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        try {
            runChunks();
        } catch (Throwable t) {
            failure = t;
        }
        long s = state.getAndUpdate(v -> v | CLOSED);
        int spins = 0;
        while ((s & ACTIVE) != 0) {
            if (++spins < SPIN_ITERATIONS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(10_000);
            }
            s = state.get();
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
            long s;
            while ((s = state.get()) >>> GEN_SHIFT == seen && !closed) {
                if (++spins < SPIN_ITERATIONS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = s >>> GEN_SHIFT;
            if (!join(s)) {
                continue; // the caller finished this task without us
            }
            try {
                runChunks();
            } catch (Throwable t) {
                failure = t;
            } finally {
                if ((state.decrementAndGet() & ACTIVE) == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    /** Counts this worker in on the open task of generation {@code s}, or false when too late. */
    private boolean join(long s) {
        long gen = s >>> GEN_SHIFT;
        while ((s & CLOSED) == 0 && s >>> GEN_SHIFT == gen) {
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
            s = state.get();
        }
        return false;
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
