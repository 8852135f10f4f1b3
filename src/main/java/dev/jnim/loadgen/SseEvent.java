package dev.jnim.loadgen;

/**
 * One dispatched server-sent event: its type ({@code "message"} unless an {@code event:} field
 * said otherwise) and its data, the {@code data:} lines joined with {@code '\n'}.
 */
public record SseEvent(String type, String data) {

    /** The OpenAI end-of-stream sentinel {@code data: [DONE]}. */
    public boolean isDone() {
        return "[DONE]".equals(data.strip());
    }
}
