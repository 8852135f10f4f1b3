package dev.jnim.engine;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The client side of one submitted request: a bounded outbox of {@link EngineEvent.Delta}s that
 * the engine fills without ever blocking, and the final {@link EngineEvent.Finished}. A client
 * that lets the outbox fill up is too slow and its request is cancelled.
 *
 * <p>Threading: the engine thread offers events; one consumer thread (the HTTP handler) takes
 * them. The final event is published through a volatile field after the last delta.
 */
public final class RequestHandle {

    private static final EngineEvent WAKE = new EngineEvent.Delta(new int[0], "", java.util.List.of());

    private final String id;
    private final BlockingQueue<EngineEvent> outbox;
    private final Engine engine;
    private volatile EngineEvent.Finished finished;
    private volatile boolean cancelRequested;

    RequestHandle(String id, int capacity, Engine engine) {
        this.id = id;
        this.outbox = new ArrayBlockingQueue<>(capacity);
        this.engine = engine;
    }

    public String id() {
        return id;
    }

    /**
     * The next event, waiting up to {@code timeout}; null on time-out. After the
     * {@link EngineEvent.Finished} event every call returns it again.
     */
    public EngineEvent next(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            EngineEvent e = outbox.poll();
            if (e != null && e != WAKE) {
                return e;
            }
            EngineEvent.Finished f = finished;
            if (f != null && outbox.isEmpty()) {
                return f;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            e = outbox.poll(left, TimeUnit.NANOSECONDS);
            if (e != null && e != WAKE) {
                return e;
            }
        }
    }

    /** Asks the engine to stop this request; its blocks are freed at the next step. */
    public void cancel() {
        if (!cancelRequested && finished == null) {
            cancelRequested = true;
            engine.cancel(this);
        }
    }

    public boolean isFinished() {
        return finished != null;
    }

    // ---- engine side ----

    /** Offers a delta; false when the outbox is full (the client is too slow). Engine thread only. */
    boolean offer(EngineEvent.Delta d) {
        return outbox.offer(d);
    }

    /** Publishes the final event. Engine thread only. */
    void finish(EngineEvent.Finished f) {
        finished = f;
        outbox.offer(WAKE); // wakes a consumer blocked on an empty outbox; harmless when full
    }
}
