package dev.jnim.server;

import dev.jnim.engine.EngineEvent;
import dev.jnim.engine.RequestHandle;
import dev.jnim.engine.SampleResult;
import java.util.ArrayList;
import java.util.List;

/**
 * One choice of a response: the engine request producing it and what has arrived so far.
 * Owned by the HTTP request's thread; never shared.
 */
final class Choice {

    final int index;
    final int promptIndex;
    final int promptTokens;
    final RequestHandle handle;
    final StringBuilder text = new StringBuilder();
    final List<Integer> tokenIds = new ArrayList<>();
    final List<SampleResult> samples = new ArrayList<>();
    EngineEvent.Finished finished;
    long firstTokenNanos;
    long lastTokenNanos;
    /** Streaming: whether the first chunk (the one with the role) went out. */
    boolean started;

    Choice(int index, int promptIndex, int promptTokens, RequestHandle handle) {
        this.index = index;
        this.promptIndex = promptIndex;
        this.promptTokens = promptTokens;
        this.handle = handle;
    }

    boolean done() {
        return finished != null;
    }

    int completionTokens() {
        return finished != null ? finished.usage().completionTokens() : tokenIds.size();
    }

    /** The OpenAI finish_reason. */
    String finishReason() {
        return finished.reason().openAiName();
    }
}
