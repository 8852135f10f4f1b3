package dev.jnim.engine;

import dev.jnim.kv.BlockTable;
import dev.jnim.kv.KvLayout;
import dev.jnim.tokenizer.IncrementalDetokenizer;
import dev.jnim.tokenizer.StopStringMatcher;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The engine's state of one request: its tokens (prompt, then generated), how many of them have
 * KV in the cache, its blocks, its sampler state and its text stream.
 *
 * <p>Threading: engine thread only.
 */
final class Sequence {

    enum Status { WAITING, RUNNING, FINISHED }

    final GenerationRequest request;
    final RequestHandle handle;
    final long arrivalNanos;
    final BlockTable blocks = new BlockTable();
    final TokenHistory history;
    final RandomGenerator rng;
    final IncrementalDetokenizer detokenizer;
    final StopStringMatcher stops;
    final long[] blockExtras;

    Status status = Status.WAITING;
    private int[] tokens;
    private int length;
    final int promptLength;
    /** Tokens whose K/V are in the cache. */
    int numComputed;
    /** Full blocks already offered to the prefix cache, and the hash of the last one. */
    int committedBlocks;
    long lastBlockHash;
    int cachedPromptTokens = -1;
    int preemptions;
    /** Left the waiting queue once (the 429 bound counts requests never admitted). */
    boolean admitted;
    long firstTokenNanos;

    Sequence(GenerationRequest request, RequestHandle handle, int vocab, IncrementalDetokenizer detokenizer) {
        this.request = request;
        this.handle = handle;
        this.arrivalNanos = System.nanoTime();
        this.promptLength = request.promptTokens().length;
        this.tokens = Arrays.copyOf(request.promptTokens(), promptLength + Math.min(request.maxTokens(), 256));
        this.length = promptLength;
        this.history = request.sampling().hasPenalties() ? new TokenHistory(vocab, request.promptTokens()) : null;
        Long seed = request.sampling().seed();
        this.rng = seed != null ? new SplittableRandom(seed) : new SplittableRandom();
        this.detokenizer = detokenizer;
        this.stops = request.stopStrings().isEmpty() ? null : new StopStringMatcher(request.stopStrings());
        this.blockExtras = extras(request, tokens.length);
    }

    /** Per-block hash of the images overlapping each prompt block (null without images). */
    private static long[] extras(GenerationRequest r, int capacity) {
        if (r.images().isEmpty()) {
            return null;
        }
        long[] e = new long[(r.promptTokens().length + KvLayout.BLOCK_SIZE - 1) / KvLayout.BLOCK_SIZE];
        for (ImageSpan s : r.images()) {
            for (int b = s.start() / KvLayout.BLOCK_SIZE; b <= (s.start() + s.length() - 1) / KvLayout.BLOCK_SIZE
                    && b < e.length; b++) {
                e[b] = e[b] * 31 + s.contentHash();
            }
        }
        return e;
    }

    String id() {
        return request.id();
    }

    int length() {
        return length;
    }

    int[] tokens() {
        return tokens;
    }

    int generated() {
        return length - promptLength;
    }

    /** Tokens still to run through the model before the next token can be sampled. */
    int pending() {
        return length - numComputed;
    }

    void append(int token) {
        if (length == tokens.length) {
            tokens = Arrays.copyOf(tokens, length * 2);
        }
        tokens[length++] = token;
        if (history != null) {
            history.addGenerated(token);
        }
    }

    long extra(int block) {
        return blockExtras == null || block >= blockExtras.length ? 0 : blockExtras[block];
    }
}
