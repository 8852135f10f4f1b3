package dev.jnim.engine;

import dev.jnim.kv.BlockTable;
import dev.jnim.kv.KvLayout;
import dev.jnim.model.ImageInput;
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
    /** When first scheduled, and when the encoder batch with its images ran (0: not yet / never); for tracing. */
    long scheduledNanos;
    long encodeStartNanos;
    long encodeEndNanos;

    /** Encoder output for this request's images, and for each prompt position its feature row (-1: none). */
    float[] imageFeatures;
    int[] featureRow;
    int hidden;
    /** M-RoPE positions of the prompt ([3][n]) and the delta after it; null for other models. */
    int[][] rope;
    int ropeDelta;
    /** Cross-attention models: the image KV slots held (null: none) and what the tokens read there. */
    final boolean crossAttention;
    int[] imageSlots;
    dev.jnim.model.CrossAttentionInputs cross;

    Sequence(GenerationRequest request, RequestHandle handle, int vocab, IncrementalDetokenizer detokenizer,
             int imageTokenId) {
        this(request, handle, vocab, detokenizer, imageTokenId, false);
    }

    /**
     * @param crossAttention the model reads images through cross-attention: every token of a request with images
     *                       depends on them (even text before the first image), so every block's hash includes them
     */
    Sequence(GenerationRequest request, RequestHandle handle, int vocab, IncrementalDetokenizer detokenizer,
             int imageTokenId, boolean crossAttention) {
        this.crossAttention = crossAttention;
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
        this.blockExtras = extras(request, imageTokenId, crossAttention);
    }

    /**
     * Per prompt block, a hash of the request's images when the block holds an image token (0
     * otherwise); null without images. The block hash chain carries it into every later block, so
     * KV computed with one image is never reused for another.
     */
    private static long[] extras(GenerationRequest r, int imageTokenId, boolean everyBlock) {
        if (r.images().isEmpty()) {
            return null;
        }
        long images = 0x51ED27;
        for (ImageInput i : r.images()) {
            images = images * 0x9E3779B97F4A7C15L + i.contentHash();
        }
        int[] p = r.promptTokens();
        long[] e = new long[(p.length + KvLayout.BLOCK_SIZE - 1) / KvLayout.BLOCK_SIZE];
        for (int i = 0; i < p.length; i++) {
            if (everyBlock || p[i] == imageTokenId) {
                e[i / KvLayout.BLOCK_SIZE] = images;
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

    /** True until the images' encoder outputs are attached. */
    boolean needsImages() {
        return !request.images().isEmpty() && (crossAttention ? cross == null : imageFeatures == null);
    }

    long extra(int block) {
        return blockExtras == null || block >= blockExtras.length ? 0 : blockExtras[block];
    }
}
