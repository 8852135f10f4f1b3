package dev.jnim.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.engine.EngineEvent;
import dev.jnim.engine.FinishReason;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a streaming response as server-sent events the way OpenAI does: {@code data: {chunk}}
 * lines, each flushed at once, ending with {@code data: [DONE]}. A write that fails means the client
 * went away; the {@link ChoiceRunner} then cancels the request.
 *
 * <p>Threading: used by the request's thread only. A slow client blocks only this thread, never
 * the engine.
 */
final class SseStream implements ChoiceRunner.Sink {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SseStream.class);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerResponse res;
    private final ResponseBuilder rb;
    private final boolean includeUsage;
    private OutputStream out;

    SseStream(ServerResponse res, ResponseBuilder rb, boolean includeUsage) {
        this.res = res;
        this.rb = rb;
        this.includeUsage = includeUsage;
    }

    private OutputStream out() {
        if (out == null) {
            res.status(200);
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            out = res.outputStream();
        }
        return out;
    }

    @Override
    public void delta(Choice c, EngineEvent.Delta d) throws IOException {
        start(c);
        if (!d.text().isEmpty() || (rb.logprobs() && !d.samples().isEmpty())) {
            int offset = rb.prefix(c).length() + c.text.length() - d.text().length();
            write(rb.chunk(c, d.text(), d.samples(), null, includeUsage, offset));
        }
    }

    @Override
    public void finished(Choice c) throws IOException {
        start(c);
        EngineEvent.Finished f = c.finished;
        if (f.reason() == FinishReason.ERROR) {
            write(HttpJson.errorBody(500, "generation failed: " + f.error(), null));
        }
        int offset = rb.prefix(c).length() + c.text.length() - f.text().length();
        write(rb.chunk(c, f.text(), List.of(), c.finishReason(), includeUsage, offset));
    }

    /** The opening chunk of a choice: the role for chat, the echoed prompt for text completions. */
    private void start(Choice c) throws IOException {
        if (c.started) {
            return;
        }
        c.started = true;
        if (rb.chat()) {
            write(rb.roleChunk(c, includeUsage));
        } else if (!rb.prefix(c).isEmpty()) {
            write(rb.chunk(c, rb.prefix(c), List.of(), null, includeUsage, 0));
        }
    }

    /** After every choice finished: the usage chunk when asked for, then {@code [DONE]}. */
    void end(List<Choice> choices, List<Integer> promptTokens) {
        try {
            if (includeUsage) {
                write(rb.usageChunk(choices, promptTokens));
            }
            OutputStream o = out();
            o.write(DONE);
            o.close();
        } catch (IOException | java.io.UncheckedIOException | io.helidon.webserver.CloseConnectionException e) {
            // Every choice has finished; a client that leaves before [DONE] loses nothing else.
            log.debug("client left before [DONE]: {}", e.toString());
        }
    }

    private void write(JsonNode chunk) throws IOException {
        OutputStream o = out();
        o.write(DATA);
        o.write(HttpJson.JSON.writeValueAsBytes(chunk));
        o.write(END);
        o.flush();
    }

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
}
