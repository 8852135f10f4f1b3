package dev.jnim.loadgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one streaming generation request and measures it. Every failure becomes a
 * {@link RequestResult.Failure}; only interruption escapes. Thread-safe: workers share one
 * instance (the {@link HttpClient} is thread-safe, everything else is immutable).
 */
final class StreamingClient {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingClient.class);
    /** How long to wait for the end of the body after {@code [DONE]}, so the connection can be reused. */
    private static final long DRAIN_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int ERROR_BODY_LIMIT = 4096;

    private final HttpClient http;
    private final ObjectMapper json;
    private final ScheduledExecutorService timer;
    private final LoadSettings settings;
    private final String model;
    private final URI uri;

    StreamingClient(HttpClient http, ObjectMapper json, ScheduledExecutorService timer, LoadSettings settings,
                    String model) {
        this.http = http;
        this.json = json;
        this.timer = timer;
        this.settings = settings;
        this.model = model;
        this.uri = URI.create(settings.baseUrl() + settings.endpoint().path());
    }

    /**
     * Sends {@code prompt} and reads the stream to its end, within {@code --timeout-s} and before
     * {@code runDeadlineNanos}.
     */
    RequestResult send(Prompt prompt, long runDeadlineNanos) throws InterruptedException {
        byte[] body = requestBody(prompt);
        long t0 = System.nanoTime();
        long deadline = Math.min(runDeadlineNanos, t0 + settings.requestTimeout().toNanos());
        if (deadline <= t0) {
            return new RequestResult.Failure(0, ErrorKind.TIMEOUT, 0, "no time left in the run");
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofNanos(deadline - t0))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (settings.apiKey() != null) {
            rb.header("Authorization", "Bearer " + settings.apiKey());
        }
        CompletableFuture<HttpResponse<InputStream>> pending =
                http.sendAsync(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> response;
        try {
            response = pending.get(deadline - t0, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            return failure(t0, ErrorKind.TIMEOUT, 0, "no response headers within the time limit");
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            ErrorKind kind = cause instanceof HttpTimeoutException ? ErrorKind.TIMEOUT : ErrorKind.CONNECTION;
            return failure(t0, kind, 0, cause.toString());
        }
        InputStream in = response.body();
        try (Watchdog watchdog = Watchdog.arm(timer, deadline, in)) {
            return read(t0, deadline, response, in, watchdog);
        } finally {
            close(in);
        }
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // The result is already decided; a failed close at most costs the connection.
            LOG.debug("closing a response body failed", e);
        }
    }

    private RequestResult read(long t0, long deadline, HttpResponse<InputStream> response, InputStream in,
                               Watchdog watchdog) {
        int status = response.statusCode();
        try {
            if (status != 200) {
                String text = readAtMost(in);
                return failure(t0, ErrorKind.HTTP_STATUS, status, errorText(text));
            }
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            if (contentType.contains("json")) {
                // A JSON answer to stream=true: an error object, or a server that cannot stream.
                String text = readAtMost(in);
                return jsonMessage(text)
                        .map(m -> failure(t0, ErrorKind.ERROR_BODY, status, m))
                        .orElseGet(() -> failure(t0, ErrorKind.MALFORMED, status,
                                "expected an event stream, got JSON: " + StreamChunk.abbreviate(text)));
            }
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            var parser = new SseParser();
            var recorder = new StreamRecorder(t0, settings.maxTokens() + 2);
            String line;
            while (!recorder.doneSeen() && (line = reader.readLine()) != null) {
                Optional<SseEvent> event = parser.accept(line);
                if (event.isEmpty()) {
                    continue;
                }
                long now = System.nanoTime();
                SseEvent e = event.get();
                if (e.isDone()) {
                    recorder.onDone(now);
                } else if ("error".equals(e.type())) {
                    return failure(t0, ErrorKind.ERROR_BODY, status, errorText(e.data()));
                } else {
                    StreamChunk chunk = StreamChunk.parse(json, e.data());
                    if (chunk.error() != null) {
                        return failure(t0, ErrorKind.ERROR_BODY, status, chunk.error());
                    }
                    recorder.onChunk(chunk, now);
                }
            }
            long end = System.nanoTime();
            if (watchdog.fired()) {
                return failure(t0, ErrorKind.TIMEOUT, status, "stream not finished within the time limit");
            }
            if (!recorder.complete()) {
                return failure(t0, ErrorKind.BROKEN_STREAM, status, "stream ended before [DONE] or a finish reason");
            }
            RequestResult.Success result = recorder.success(end);
            if (recorder.doneSeen()) {
                drain(reader, deadline, watchdog);
            }
            return result;
        } catch (StreamChunk.MalformedChunkException e) {
            return failure(t0, ErrorKind.MALFORMED, status, e.getMessage());
        } catch (IOException e) {
            return watchdog.fired()
                    ? failure(t0, ErrorKind.TIMEOUT, status, "stream not finished within the time limit")
                    : failure(t0, ErrorKind.BROKEN_STREAM, status, e.toString());
        }
    }

    /**
     * Reads what follows {@code [DONE]} (normally only the end of the chunked body) so the
     * connection goes back to the pool instead of being cut, within a short grace period.
     */
    private static void drain(BufferedReader reader, long deadline, Watchdog watchdog) {
        watchdog.rearm(Math.min(deadline, System.nanoTime() + DRAIN_GRACE_NANOS));
        try {
            while (reader.readLine() != null) {
                // Anything after [DONE] has no meaning.
            }
        } catch (IOException e) {
            // The measurement is complete; at worst the connection is not reused.
            LOG.debug("draining after [DONE] failed", e);
        }
    }

    private byte[] requestBody(Prompt prompt) {
        ObjectNode body = json.createObjectNode();
        body.put("model", model);
        settings.endpoint().putPrompt(body, prompt);
        body.put("max_tokens", settings.maxTokens());
        body.put("temperature", settings.temperature());
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        if (settings.ignoreEos()) {
            body.put("ignore_eos", true);
        }
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a request body", e);
        }
    }

    private static RequestResult.Failure failure(long t0, ErrorKind kind, int status, String message) {
        return new RequestResult.Failure(System.nanoTime() - t0, kind, status, message);
    }

    /** The message of a JSON error body, else the (abbreviated) text itself. */
    private String errorText(String text) {
        return jsonMessage(text).orElse(StreamChunk.abbreviate(text));
    }

    private Optional<String> jsonMessage(String text) {
        try {
            JsonNode root = json.readTree(text);
            return root != null && root.isObject() ? Optional.ofNullable(StreamChunk.errorMessage(root)) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty(); // not JSON: the caller reports the raw text instead
        }
    }

    private static String readAtMost(InputStream in) throws IOException {
        return new String(in.readNBytes(ERROR_BODY_LIMIT), StandardCharsets.UTF_8);
    }
}
