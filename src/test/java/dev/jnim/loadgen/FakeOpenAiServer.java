package dev.jnim.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A tiny OpenAI-compatible server for the load generator's tests: streams chat or completion chunks
 * with scripted delays and token counts, or fails in a scripted way, and records what it received
 * and how many requests were in flight at once. Requests are scripted by arrival number.
 *
 * <p>Threads: one virtual thread per exchange; the counters and lists are concurrent.
 */
final class FakeOpenAiServer implements AutoCloseable {

    /** What the server does with one generation request. */
    enum Mode {
        /** Stream normally. */
        OK,
        /** Stream, but end after the finish reason without usage or {@code [DONE]} (older llama.cpp). */
        NO_DONE,
        /** Answer 500 with an OpenAI error body. */
        HTTP_500,
        /** One good chunk, then an event that is not JSON. */
        MALFORMED,
        /** One good chunk, then end the body cleanly without finishing. */
        CLOSE_MID_STREAM,
        /** One good chunk, then drop the connection (no end of the chunked body). */
        ABORT,
        /** One good chunk, then a vLLM-style error event. */
        ERROR_EVENT,
        /** 200 with a JSON error body instead of a stream. */
        JSON_ERROR_200,
        /** One good chunk, then nothing until the server closes. */
        STALL,
        /** No headers until the server closes. */
        STALL_HEADERS
    }

    /**
     * @param tokensPerChunk tokens in each content chunk (the last may carry fewer)
     * @param usage          send the usage chunk
     */
    record Script(Mode mode, int tokens, int tokensPerChunk, long firstDelayMs, long chunkDelayMs, boolean usage) {
        static Script ok(int tokens, long firstDelayMs, long chunkDelayMs) {
            return new Script(Mode.OK, tokens, 1, firstDelayMs, chunkDelayMs, true);
        }

        static Script failing(Mode mode) {
            return new Script(mode, 4, 1, 0, 0, true);
        }
    }

    /** One generation request as received. */
    record Received(String path, JsonNode body, String authorization) {
    }

    static {
        // Without TCP_NODELAY, Nagle's algorithm and the client's delayed ACK hold small chunks up
        // to 40 ms, which would blur the injected delays. Read once, when the JDK server first loads.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final IntFunction<Script> scripts;
    private final AtomicInteger arrivals = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Set<String> seenSystemPrompts = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean modelsAvailable = true;

    FakeOpenAiServer(IntFunction<Script> scripts) throws IOException {
        this.scripts = scripts;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(executor);
        server.createContext("/v1/models", this::models);
        server.createContext("/v1/chat/completions", this::generate);
        server.createContext("/v1/completions", this::generate);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    void disableModels() {
        modelsAvailable = false;
    }

    private void models(HttpExchange ex) throws IOException {
        if (!modelsAvailable) {
            send(ex, 404, "{\"error\":{\"message\":\"not found\",\"type\":\"NotFoundError\",\"code\":404}}");
            return;
        }
        send(ex, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"fake-model\",\"object\":\"model\",\"created\":0,"
                + "\"owned_by\":\"system\",\"root\":\"fake-model\",\"parent\":null,\"max_model_len\":4096}]}");
    }

    private void generate(HttpExchange ex) throws IOException {
        JsonNode body = json.readTree(ex.getRequestBody());
        received.add(new Received(ex.getRequestURI().getPath(), body, ex.getRequestHeaders().getFirst("Authorization")));
        Script script = scripts.apply(arrivals.getAndIncrement());
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        // Released before the last byte: the client may send its next request as soon as it reads
        // [DONE], and must not find this one still counted.
        var released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        try {
            respond(ex, body, script, release);
        } finally {
            release.run();
        }
    }

    private void respond(HttpExchange ex, JsonNode body, Script s, Runnable release) throws IOException {
        boolean chat = ex.getRequestURI().getPath().endsWith("/chat/completions");
        switch (s.mode()) {
            case HTTP_500 -> {
                release.run();
                send(ex, 500, "{\"error\":{\"message\":\"scripted failure\",\"type\":\"InternalServerError\",\"code\":500}}");
                return;
            }
            case JSON_ERROR_200 -> {
                release.run();
                send(ex, 200, "{\"object\":\"error\",\"message\":\"scripted error body\",\"type\":\"BadRequestError\",\"code\":400}");
                return;
            }
            case STALL_HEADERS -> {
                await();
                release.run();
                send(ex, 500, "{}");
                return;
            }
            default -> { }
        }
        ex.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write(": keep-alive comment\n\n".getBytes(StandardCharsets.UTF_8));
        if (chat) {
            ObjectNode role = chunk(true);
            role.withArray("choices").addObject().put("index", 0).putNull("finish_reason")
                    .putObject("delta").put("role", "assistant").put("content", "");
            event(out, role.toString());
        }
        sleep(s.firstDelayMs());
        int sent = 0;
        int chunks = 0;
        while (sent < s.tokens()) {
            if (chunks > 0) {
                sleep(s.chunkDelayMs());
            }
            int n = Math.min(s.tokensPerChunk(), s.tokens() - sent);
            ObjectNode c = chunk(chat);
            ObjectNode choice = c.withArray("choices").addObject().put("index", 0);
            choice.putNull("finish_reason");
            String text = " w".repeat(n);
            if (chat) {
                choice.putObject("delta").put("content", text);
            } else {
                choice.put("text", text);
            }
            // Every other chunk is split over two data: lines, which SSE joins with a newline.
            String data = c.toString();
            event(out, chunks % 2 == 1 ? data.replaceFirst(",", "\ndata: ,") : data);
            sent += n;
            chunks++;
            if (chunks == 1 && s.mode() != Mode.OK && s.mode() != Mode.NO_DONE) {
                fail(ex, out, s.mode(), release);
                return;
            }
        }
        ObjectNode fin = chunk(chat);
        ObjectNode choice = fin.withArray("choices").addObject().put("index", 0).put("finish_reason", "length");
        if (chat) {
            choice.putObject("delta");
        } else {
            choice.put("text", "");
        }
        event(out, fin.toString());
        if (s.mode() == Mode.NO_DONE) {
            release.run();
            ex.close();
            return;
        }
        if (s.usage()) {
            ObjectNode u = chunk(chat);
            u.putArray("choices");
            int prompt = promptWords(body);
            u.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", s.tokens())
                    .put("total_tokens", prompt + s.tokens())
                    .putObject("prompt_tokens_details").put("cached_tokens", cachedWords(body));
            event(out, u.toString());
        }
        release.run();
        event(out, "[DONE]");
        ex.close();
    }

    private void fail(HttpExchange ex, OutputStream out, Mode mode, Runnable release) throws IOException {
        switch (mode) {
            case MALFORMED -> {
                release.run();
                event(out, "{\"choices\": [ this is not json");
                ex.close();
            }
            case CLOSE_MID_STREAM -> {
                release.run();
                ex.close();
            }
            case ABORT -> {
                release.run();
                // An exception out of a handler makes the JDK server drop the connection mid-body.
                throw new IOException("scripted connection drop");
            }
            case ERROR_EVENT -> {
                release.run();
                event(out, "{\"error\":{\"message\":\"scripted stream error\",\"type\":\"InternalServerError\",\"code\":500}}");
                event(out, "[DONE]");
                ex.close();
            }
            case STALL -> {
                await();
                release.run();
                ex.close();
            }
            default -> throw new IllegalStateException("not a failure mode: " + mode);
        }
    }

    private static int words(String s) {
        return s.isBlank() ? 0 : s.strip().split("\\s+").length;
    }

    private static int promptWords(JsonNode body) {
        if (body.has("prompt")) {
            return words(body.path("prompt").asText());
        }
        int n = 0;
        for (JsonNode m : body.path("messages")) {
            n += words(m.path("content").asText());
        }
        return n;
    }

    /** The fake's prefix cache: a system prompt seen before counts as cached. */
    private int cachedWords(JsonNode body) {
        for (JsonNode m : body.path("messages")) {
            if ("system".equals(m.path("role").asText())) {
                String content = m.path("content").asText();
                return seenSystemPrompts.add(content) ? 0 : words(content);
            }
        }
        return 0;
    }

    private ObjectNode chunk(boolean chat) {
        ObjectNode c = json.createObjectNode();
        c.put("id", "cmpl-fake");
        c.put("object", chat ? "chat.completion.chunk" : "text_completion");
        c.put("created", 0);
        c.put("model", "fake-model");
        c.put("system_fingerprint", "unknown fields must be ignored");
        return c;
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("fake server interrupted", e);
        }
    }

    private void await() {
        try {
            if (!closing.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("fake server stalled for 30 s without being closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("fake server interrupted", e);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
