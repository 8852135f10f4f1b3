package dev.jnim.loadgen;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a response body when its request runs out of time. {@link java.net.http.HttpClient}
 * times out only the wait for the headers; a stream that stalls afterwards would block its reader
 * forever. Closing the body makes a blocked read throw, and {@link #fired()} tells the reader the
 * failure was a timeout rather than a broken stream.
 *
 * <p>Threads: {@link #arm}, {@link #rearm} and {@link #close} are called by the thread reading the
 * body; the close runs on the timer's thread. {@code fired} is the only state they share.
 */
final class Watchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    private final ScheduledExecutorService timer;
    private final Closeable target;
    private final AtomicBoolean fired = new AtomicBoolean();
    private ScheduledFuture<?> task;

    private Watchdog(ScheduledExecutorService timer, Closeable target) {
        this.timer = timer;
        this.target = target;
    }

    /** Closes {@code target} at {@code deadlineNanos} ({@link System#nanoTime()} scale) unless closed first. */
    static Watchdog arm(ScheduledExecutorService timer, long deadlineNanos, Closeable target) {
        Watchdog w = new Watchdog(timer, target);
        w.schedule(deadlineNanos);
        return w;
    }

    /** Moves the deadline. */
    void rearm(long deadlineNanos) {
        task.cancel(false);
        schedule(deadlineNanos);
    }

    /** Whether the deadline passed and the target was closed. */
    boolean fired() {
        return fired.get();
    }

    private void schedule(long deadlineNanos) {
        task = timer.schedule(this::fire, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void fire() {
        fired.set(true);
        try {
            target.close();
        } catch (IOException e) {
            // The reader sees the stream fail either way; the close error itself changes nothing.
            LOG.debug("closing a timed-out response body failed", e);
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
