package dev.jnim.loadgen;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The two OpenAI generation endpoints a load run can target, and how each wants its prompt. */
public enum Endpoint {
    /** {@code /v1/chat/completions}: the shared prefix as a system message, the unique part as the user message. */
    CHAT("/v1/chat/completions"),
    /** {@code /v1/completions}: prefix and unique part as one prompt string. */
    COMPLETIONS("/v1/completions");

    private final String path;

    Endpoint(String path) {
        this.path = path;
    }

    /** The path below the server's base URL. */
    public String path() {
        return path;
    }

    /** Parses {@code chat} or {@code completions} (case-insensitive). */
    public static Endpoint parse(String s) {
        return switch (s.toLowerCase()) {
            case "chat" -> CHAT;
            case "completions" -> COMPLETIONS;
            default -> throw new IllegalArgumentException("endpoint must be chat or completions: " + s);
        };
    }

    /** Puts the prompt into {@code body} in this endpoint's shape. */
    void putPrompt(ObjectNode body, Prompt prompt) {
        switch (this) {
            case CHAT -> {
                var messages = body.putArray("messages");
                if (!prompt.sharedPrefix().isEmpty()) {
                    messages.addObject().put("role", "system").put("content", prompt.sharedPrefix());
                }
                messages.addObject().put("role", "user").put("content", prompt.unique());
            }
            case COMPLETIONS -> body.put("prompt", prompt.text());
        }
    }
}
