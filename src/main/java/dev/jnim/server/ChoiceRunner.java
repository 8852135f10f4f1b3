package dev.jnim.server;

import dev.jnim.engine.EngineEvent;
import dev.jnim.engine.FinishReason;
import io.helidon.webserver.CloseConnectionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads the outboxes of a request's choices until every one has finished, handing each event to a
 * {@link Sink} (the SSE writer when streaming) and recording metrics. The engine never waits for
 * this thread: a reader that falls behind only fills its own bounded outbox.
 *
 * <p>Threading: runs on the HTTP request's virtual thread; owns the {@link Choice}s.
 */
final class ChoiceRunner {

    /** Receives events as they arrive. An {@link IOException} means the client went away. */
    interface Sink {
        void delta(Choice c, EngineEvent.Delta d) throws IOException;

        void finished(Choice c) throws IOException;
    }

    /** For non-streaming responses: everything is read from the {@link Choice}s at the end. */
    static final Sink NO_SINK = new Sink() {
        @Override
        public void delta(Choice c, EngineEvent.Delta d) {
        }

        @Override
        public void finished(Choice c) {
        }
    };

    /** Thrown when the client disconnected; every unfinished choice has been cancelled. */
    static final class ClientGone extends Exception {
        ClientGone(Throwable cause) {
            super("client disconnected", cause, false, false);
        }
    }

    private ChoiceRunner() {
    }

    static void run(List<Choice> choices, Sink sink, ServerMetrics metrics, long startNanos)
            throws InterruptedException, ClientGone {
        try {
            int open = choices.size();
            while (open > 0) {
                boolean progressed = false;
                for (Choice c : choices) {
                    if (c.done()) {
                        continue;
                    }
                    EngineEvent e = c.handle.next(0, TimeUnit.NANOSECONDS);
                    if (e != null) {
                        progressed = true;
                        if (handle(c, e, sink, metrics, startNanos)) {
                            open--;
                        }
                    }
                }
                if (!progressed && open > 0) {
                    // Block on one open choice; with several, wake often to serve the others too.
                    Choice first = choices.stream().filter(c -> !c.done()).findFirst().orElseThrow();
                    EngineEvent e = first.handle.next(open == 1 ? 1000 : 2, TimeUnit.MILLISECONDS);
                    if (e != null && handle(first, e, sink, metrics, startNanos)) {
                        open--;
                    }
                }
            }
        } catch (IOException | UncheckedIOException | CloseConnectionException e) {
            // Helidon reports a failed write to a closed connection as a CloseConnectionException.
            abort(choices, metrics, startNanos);
            throw new ClientGone(e);
        } catch (InterruptedException | RuntimeException | Error e) {
            // Whatever ends this reader must not leave the engine generating for nobody.
            abort(choices, metrics, startNanos);
            throw e;
        }
    }

    /** Returns true when {@code e} finished the choice. */
    private static boolean handle(Choice c, EngineEvent e, Sink sink, ServerMetrics metrics, long startNanos)
            throws IOException {
        switch (e) {
            case EngineEvent.Delta d -> {
                long now = System.nanoTime();
                if (d.tokenIds().length > 0) {
                    if (c.firstTokenNanos == 0) {
                        c.firstTokenNanos = now;
                    } else {
                        metrics.interTokenLatency((now - c.lastTokenNanos) / 1e9);
                    }
                    c.lastTokenNanos = now;
                }
                for (int t : d.tokenIds()) {
                    c.tokenIds.add(t);
                }
                c.samples.addAll(d.samples());
                c.text.append(d.text());
                sink.delta(c, d);
                return false;
            }
            case EngineEvent.Finished f -> {
                c.finished = f;
                c.text.append(f.text());
                record(c, metrics, startNanos);
                sink.finished(c);
                return true;
            }
        }
    }

    private static void record(Choice c, ServerMetrics metrics, long startNanos) {
        EngineEvent.Finished f = c.finished;
        if (f.reason() == FinishReason.ERROR) {
            metrics.failed();
            return;
        }
        double ttft = c.firstTokenNanos == 0 ? Double.NaN : (c.firstTokenNanos - startNanos) / 1e9;
        metrics.finished(f.reason().openAiName(), f.usage().promptTokens(), f.usage().completionTokens(), ttft,
                (System.nanoTime() - startNanos) / 1e9);
    }

    /** Cancels the open choices (their KV blocks are freed at the next engine step) and counts them as aborted. */
    static void abort(List<Choice> choices, ServerMetrics metrics, long startNanos) {
        for (Choice c : choices) {
            if (!c.done()) {
                c.handle.cancel();
                double ttft = c.firstTokenNanos == 0 ? Double.NaN : (c.firstTokenNanos - startNanos) / 1e9;
                metrics.finished(FinishReason.ABORT.openAiName(), c.promptTokens, c.tokenIds.size(), ttft,
                        (System.nanoTime() - startNanos) / 1e9);
            }
        }
    }
}
