package dev.jnim.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private static List<SseEvent> parse(String stream) throws IOException {
        var parser = new SseParser();
        var events = new ArrayList<SseEvent>();
        var reader = new BufferedReader(new StringReader(stream));
        String line;
        while ((line = reader.readLine()) != null) {
            parser.accept(line).ifPresent(events::add);
        }
        return events;
    }

    @Test
    void blankLineDispatchesDataEvents() throws IOException {
        assertThat(parse("data: {\"a\":1}\n\ndata: [DONE]\n\n"))
                .containsExactly(new SseEvent("message", "{\"a\":1}"), new SseEvent("message", "[DONE]"));
    }

    @Test
    void multiLineDataIsJoinedWithNewlines() throws IOException {
        assertThat(parse("data: {\"a\":\ndata: 1}\n\n")).containsExactly(new SseEvent("message", "{\"a\":\n1}"));
    }

    @Test
    void commentsAndUnknownFieldsAreIgnored() throws IOException {
        assertThat(parse(": ping\n\nid: 3\nretry: 10\nfoo: bar\ndata: x\n: inside\n\n"))
                .containsExactly(new SseEvent("message", "x"));
    }

    @Test
    void onlyOneLeadingSpaceIsDroppedAndNoSpaceIsNeeded() throws IOException {
        assertThat(parse("data:x\n\ndata:  y\n\n")).containsExactly(new SseEvent("message", "x"), new SseEvent("message", " y"));
    }

    @Test
    void crlfAndCrLineEndingsWork() throws IOException {
        assertThat(parse("data: a\r\n\r\ndata: b\r\rdata: [DONE]\r\n\r\n")).extracting(SseEvent::data)
                .containsExactly("a", "b", "[DONE]");
    }

    @Test
    void eventTypeAppliesToOneEvent() throws IOException {
        assertThat(parse("event: error\ndata: {}\n\ndata: z\n\n"))
                .containsExactly(new SseEvent("error", "{}"), new SseEvent("message", "z"));
    }

    @Test
    void anEventCutOffByTheEndOfStreamIsNotDispatched() throws IOException {
        var parser = new SseParser();
        assertThat(parser.accept("data: {\"partial\"")).isEmpty();
        assertThat(parser.hasPendingData()).isTrue();
        assertThat(parse("data: a\n\ndata: cut")).extracting(SseEvent::data).containsExactly("a");
    }

    @Test
    void emptyDataStillDispatchesButNoDataDoesNot() throws IOException {
        assertThat(parse("data\n\nevent: x\n\n")).containsExactly(new SseEvent("message", ""));
    }

    @Test
    void doneSentinelIsRecognised() {
        assertThat(new SseEvent("message", "[DONE]").isDone()).isTrue();
        assertThat(new SseEvent("message", "{\"text\":\"[DONE]\"}").isDone()).isFalse();
    }
}
