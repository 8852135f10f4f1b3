package dev.jnim.engine;

import dev.jnim.kv.BlockManager;
import dev.jnim.kv.KvCache;
import dev.jnim.kv.KvLayout;
import dev.jnim.kv.ImageKvCache;
import dev.jnim.kv.ImageKvPool;
import dev.jnim.model.CausalLM;
import dev.jnim.model.CrossAttentionInputs;
import dev.jnim.model.CrossAttentionModel;
import dev.jnim.model.ForwardBatch;
import dev.jnim.model.VisionLanguageModel;
import dev.jnim.tokenizer.IncrementalDetokenizer;
import dev.jnim.tokenizer.Tokenizer;
import dev.jnim.vision.preprocess.MllamaPromptExpander;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving engine: one thread that owns the model, the KV cache, the scheduler and every
 * sequence, and loops: take new requests and cancellations from the inbox, plan a step, run one
 * batched forward pass, sample, detokenize, and push deltas to each request's outbox.
 *
 * <p>Threading: {@link #submit}, {@link #cancel}, {@link #stats} and {@link #shutdown} may be
 * called from any thread; they only touch the inbox, atomics and volatile fields. Everything
 * else runs on the engine thread. The engine never blocks on a client: a full outbox cancels the
 * request.
 */
public final class Engine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final CausalLM model;
    private final KvCache cache;
    private final EngineConfig config;
    private final Tokenizer tokenizer;
    private final Set<Integer> eosIds;
    private final BlockManager blocks;
    private final Scheduler scheduler;
    private final Sampler sampler = new Sampler();
    private final ForwardBatch batch = new ForwardBatch();
    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Requests submitted and not yet finished (for {@link #idle}; stats lag a step behind). */
    private final AtomicInteger active = new AtomicInteger();
    private final Thread thread;
    private volatile boolean accepting = true;
    private volatile boolean stopped;
    private volatile EngineStats stats;
    private long promptTokens;
    private long generatedTokens;
    private long steps;
    private final VisionLanguageModel vlm;
    private final int imageTokenId;
    /** Encoder outputs by image content hash, least recently used first (a repeated image skips the tower). */
    private final LinkedHashMap<Long, float[]> encoderCache = new LinkedHashMap<>(16, 0.75f, true);
    private static final int ENCODER_CACHE_ENTRIES = 128;
    /** Bound on the cached floats: a Llama 3.2 Vision image's cross-attention states alone are 105 MB (11B). */
    private static final long ENCODER_CACHE_FLOATS = 128L << 20;
    private long imagesEncoded;
    private long encoderCacheHits;
    private long encoderBatches;
    private long encoderNanos;
    private int peakRunning;

    private record Cancel(RequestHandle handle) {
    }

    /** Cross-attention models (Llama 3.2 Vision): the model, the image KV storage and its slots; else null. */
    private final CrossAttentionModel cam;
    private final ImageKvCache imageCache;
    private final ImageKvPool imagePool;

    /**
     * @param tokenizer used to stream text and match stop strings; null streams token ids only
     * @param eosIds    ids that end generation unless {@code ignore_eos}
     */
    public Engine(CausalLM model, KvCache cache, EngineConfig config, Tokenizer tokenizer, Set<Integer> eosIds) {
        this(model, cache, null, config, tokenizer, eosIds);
    }

    /**
     * @param imageCache for a cross-attention model, the image KV pool's storage (one slot per image; the engine
     *                   hands slots out and takes them back); null for other models, or to refuse images
     */
    public Engine(CausalLM model, KvCache cache, ImageKvCache imageCache, EngineConfig config, Tokenizer tokenizer,
                  Set<Integer> eosIds) {
        this.cam = model instanceof CrossAttentionModel c && imageCache != null ? c : null;
        this.imageCache = cam != null ? imageCache : null;
        this.imagePool = cam != null ? new ImageKvPool(imageCache.layout(), imageCache.slots()) : null;
        if (cam != null && !imageCache.layout().equals(cam.imageKvLayout())) {
            throw new IllegalArgumentException("image KV cache layout " + imageCache.layout()
                    + " does not match the model's " + cam.imageKvLayout());
        }
        this.model = model;
        this.cache = cache;
        this.config = config;
        this.tokenizer = tokenizer;
        this.eosIds = Set.copyOf(eosIds);
        this.blocks = new BlockManager(cache.numBlocks(), config.prefixCaching());
        this.vlm = model instanceof VisionLanguageModel v ? v : null;
        this.imageTokenId = vlm != null ? vlm.imageTokenId()
                : model instanceof CrossAttentionModel c ? c.imageTokenId() : -1;
        this.scheduler = new Scheduler(blocks, imagePool, config.maxNumSeqs(), config.maxBatchedTokens(),
                java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(config.encoderBatchingMs()));
        publishStats();
        this.thread = Thread.ofPlatform().name("jnim-engine").daemon().unstarted(this::loop);
        thread.start();
    }

    public EngineConfig config() {
        return config;
    }

    public CausalLM model() {
        return model;
    }

    /**
     * Queues a request. Fails fast, before any engine work, with a {@link RequestRejectedException}
     * when it can never run (400), when the queue is full (429) or when shutting down (503).
     */
    public RequestHandle submit(GenerationRequest request) {
        if (!accepting) {
            throw new RequestRejectedException(503, null, "the server is shutting down");
        }
        int prompt = request.promptTokens().length;
        int vocab = model.vocabSize();
        if (!request.images().isEmpty() && vlm == null && cam == null) {
            throw new RequestRejectedException(400, "messages", "this model (" + model.architecture()
                    + ") does not accept images");
        }
        if (cam != null && request.images().size() > imagePool.capacity()) {
            throw new RequestRejectedException(400, "messages", "the request has " + request.images().size()
                    + " images but the image KV pool holds " + imagePool.capacity() + " (raise NIM_KVCACHE_PERCENT or"
                    + " lower NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN)");
        }
        if (cam != null) {
            int imageTokens = 0;
            for (int t : request.promptTokens()) {
                imageTokens += t == imageTokenId ? 1 : 0;
            }
            if (imageTokens != request.images().size()) {
                throw new RequestRejectedException(400, "messages", "the prompt has " + imageTokens
                        + " image token(s) but " + request.images().size() + " image(s) were given");
            }
            for (dev.jnim.model.ImageInput img : request.images()) {
                try {
                    cam.checkImage(img);
                } catch (IllegalArgumentException e) {
                    throw new RequestRejectedException(400, "messages", e.getMessage());
                }
            }
        }
        for (int t : request.promptTokens()) {
            if ((t < 0 || t >= vocab) && !(cam != null && t == imageTokenId)) {
                throw new RequestRejectedException(400, "prompt", "token id " + t + " is outside the vocabulary [0, "
                        + vocab + ")");
            }
        }
        long total = (long) prompt + request.maxTokens();
        if (total > config.maxModelLen()) {
            throw new RequestRejectedException(400, "max_tokens", "This model's maximum context length is "
                    + config.maxModelLen() + " tokens. However, you requested " + total + " tokens (" + prompt
                    + " in the prompt, " + request.maxTokens() + " in the completion). Please reduce the length of"
                    + " the prompt or max_tokens.");
        }
        long blocksNeeded = (total + KvLayout.BLOCK_SIZE - 1) / KvLayout.BLOCK_SIZE;
        if (blocksNeeded > blocks.capacity()) {
            throw new RequestRejectedException(400, "max_tokens", "the request needs " + total
                    + " tokens of KV cache but the whole cache holds " + (long) blocks.capacity() * KvLayout.BLOCK_SIZE);
        }
        if (queued.incrementAndGet() > config.maxWaiting()) {
            queued.decrementAndGet();
            throw new RequestRejectedException(429, null, "too many requests are waiting ("
                    + config.maxWaiting() + "); retry later");
        }
        active.incrementAndGet();
        RequestHandle handle = new RequestHandle(request.id(), config.outboxCapacity(), this);
        IncrementalDetokenizer detok = tokenizer == null ? null
                : new IncrementalDetokenizer(tokenizer, request.skipSpecialTokens());
        inbox.add(new Sequence(request, handle, vocab, detok, imageTokenId, cam != null));
        LockSupport.unpark(thread);
        return handle;
    }

    void cancel(RequestHandle handle) {
        inbox.add(new Cancel(handle));
        LockSupport.unpark(thread);
    }

    public EngineStats stats() {
        return stats;
    }

    /** True when no request is queued or running. */
    public boolean idle() {
        return active.get() == 0;
    }

    /**
     * Stops taking requests, lets running ones finish for up to {@code grace}, aborts the rest
     * and stops the engine thread.
     */
    public void shutdown(Duration grace) {
        accepting = false;
        long deadline = System.nanoTime() + grace.toNanos();
        while (!idle() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(5_000_000);
        }
        stopped = true;
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    // ---------------- engine thread ----------------

    private void loop() {
        while (!stopped) {
            drainInbox();
            if (scheduler.idle()) {
                publishStats(); // cancellations may have freed blocks
                LockSupport.parkNanos(50_000_000);
                continue;
            }
            try {
                if (!step()) {
                    LockSupport.parkNanos(1_000_000);
                }
            } catch (RuntimeException | Error e) {
                log.error("engine step failed; failing the running requests", e);
                for (Sequence s : new ArrayList<>(scheduler.running)) {
                    finish(s, FinishReason.ERROR, "", "internal error: " + e.getMessage());
                }
            }
            publishStats();
        }
        drainInbox();
        for (Sequence s : new ArrayList<>(scheduler.running)) {
            finish(s, FinishReason.ABORT, "", "the server shut down");
        }
        for (Sequence s : new ArrayList<>(scheduler.waiting)) {
            finish(s, FinishReason.ABORT, "", "the server shut down");
        }
        publishStats();
    }

    private void drainInbox() {
        Object o;
        while ((o = inbox.poll()) != null) {
            if (o instanceof Sequence s) {
                scheduler.add(s);
            } else if (o instanceof Cancel c) {
                Sequence s = find(c.handle());
                if (s != null) {
                    finish(s, FinishReason.ABORT, "", "cancelled");
                }
            }
        }
    }

    private Sequence find(RequestHandle h) {
        for (Sequence s : scheduler.running) {
            if (s.handle == h) {
                return s;
            }
        }
        for (Sequence s : scheduler.waiting) {
            if (s.handle == h) {
                return s;
            }
        }
        return null;
    }

    /** Runs one step; false when nothing could be scheduled. */
    private boolean step() {
        List<Scheduler.Chunk> plan = scheduler.schedule();
        for (Scheduler.Chunk c : plan) {
            if (!c.seq().admitted) {
                c.seq().admitted = true;
                queued.decrementAndGet();
            }
            if (c.seq().scheduledNanos == 0) {
                c.seq().scheduledNanos = System.nanoTime();
            }
        }
        if (plan.isEmpty()) {
            return false;
        }
        plan = cam != null ? attachCrossAttention(plan) : attachImages(plan);
        if (plan.isEmpty()) {
            return true;
        }
        batch.clear();
        int[] logitRow = new int[plan.size()];
        for (int i = 0; i < plan.size(); i++) {
            Scheduler.Chunk c = plan.get(i);
            int base = batch.numTokens();
            logitRow[i] = batch.add(c.seq().tokens(), c.start(), c.tokens(), c.start(), c.seq().blocks.array(),
                    c.completesPending() ? ForwardBatch.Logits.LAST : ForwardBatch.Logits.NONE);
            imageInputs(c, base);
            if (c.seq().cross != null) {
                batch.setCrossAttention(batch.numSequences() - 1, c.seq().cross);
            }
        }
        float[] logits = model.forward(batch, cache);
        steps++;
        peakRunning = Math.max(peakRunning, plan.size());
        publishStats(); // before any token of this step reaches a client, the stats show its blocks
        int vocab = model.vocabSize();
        for (int i = 0; i < plan.size(); i++) {
            Scheduler.Chunk c = plan.get(i);
            Sequence s = c.seq();
            s.numComputed += c.tokens();
            if (c.start() < s.promptLength) {
                promptTokens += Math.min(c.tokens(), s.promptLength - c.start());
            }
            commitFullBlocks(s);
            if (c.completesPending()) {
                SampleResult r = sampler.sample(logits, logitRow[i] * vocab, vocab, s.request.sampling(), s.history,
                        s.rng);
                s.append(r.token());
                generatedTokens++;
                emit(s, r);
            }
        }
        return true;
    }

    /** Image features and M-RoPE positions of a chunk's tokens (batch tokens from {@code base}). */
    private void imageInputs(Scheduler.Chunk c, int base) {
        Sequence s = c.seq();
        if (s.featureRow == null && s.rope == null) {
            return;
        }
        for (int k = 0; k < c.tokens(); k++) {
            int p = c.start() + k;
            if (s.featureRow != null && p < s.promptLength && s.featureRow[p] >= 0) {
                batch.setEmbedding(base + k, s.imageFeatures, s.featureRow[p] * s.hidden);
            }
            if (s.rope != null) {
                if (p < s.promptLength) {
                    batch.setRopePositions(base + k, s.rope[0][p], s.rope[1][p], s.rope[2][p]);
                } else {
                    int q = p + s.ropeDelta;
                    batch.setRopePositions(base + k, q, q, q);
                }
            }
        }
    }

    /**
     * Encodes, in one batch, the images of sequences scheduled for the first time (the encoder
     * cache answers repeated images), and maps their rows onto the image tokens. A request whose
     * image tokens do not match its images' outputs fails. Returns the plan without failed ones.
     */
    private List<Scheduler.Chunk> attachImages(List<Scheduler.Chunk> plan) {
        List<Sequence> need = new ArrayList<>();
        for (Scheduler.Chunk c : plan) {
            if (c.seq().needsImages()) {
                need.add(c.seq());
            }
        }
        if (need.isEmpty()) {
            return plan;
        }
        List<dev.jnim.model.ImageInput> toEncode = new ArrayList<>();
        for (Sequence s : need) {
            for (dev.jnim.model.ImageInput img : s.request.images()) {
                if (encoderCache.containsKey(img.contentHash())) {
                    encoderCacheHits++;
                } else if (toEncode.stream().noneMatch(i -> i.contentHash() == img.contentHash())) {
                    toEncode.add(img);
                }
            }
        }
        if (!toEncode.isEmpty()) {
            long t0 = System.nanoTime();
            List<float[]> out = vlm.encode(toEncode);
            long t1 = System.nanoTime();
            encoderNanos += t1 - t0;
            for (Sequence s : need) {
                s.encodeStartNanos = t0;
                s.encodeEndNanos = t1;
            }
            encoderBatches++;
            imagesEncoded += toEncode.size();
            for (int i = 0; i < toEncode.size(); i++) {
                encoderCache.put(toEncode.get(i).contentHash(), out.get(i));
            }
        }
        List<Sequence> failed = new ArrayList<>();
        int hidden = model.decoder().hiddenSize();
        for (Sequence s : need) {
            List<float[]> rows = new ArrayList<>();
            int total = 0;
            for (dev.jnim.model.ImageInput img : s.request.images()) {
                float[] f = encoderCache.get(img.contentHash());
                rows.add(f);
                total += f.length / hidden;
            }
            int[] prompt = s.request.promptTokens();
            int[] map = new int[prompt.length];
            int next = 0;
            for (int p = 0; p < prompt.length; p++) {
                map[p] = prompt[p] == imageTokenId ? next++ : -1;
            }
            if (next != total) {
                failed.add(s);
                finish(s, FinishReason.ERROR, "", "the prompt has " + next + " image tokens but its "
                        + s.request.images().size() + " image(s) give " + total + " feature rows");
                continue;
            }
            float[] all = new float[total * hidden];
            int off = 0;
            List<int[]> grids = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(rows.get(i), 0, all, off, rows.get(i).length);
                off += rows.get(i).length;
                grids.add(s.request.images().get(i).grid());
            }
            s.imageFeatures = all;
            s.featureRow = map;
            s.hidden = hidden;
            VisionLanguageModel.RopePlan rope = vlm.ropePlan(prompt, grids);
            if (rope != null) {
                s.rope = rope.positions();
                s.ropeDelta = rope.delta();
            }
        }
        trimEncoderCache();
        return withoutFailed(plan, failed);
    }

    /**
     * Cross-attention models: for sequences that just got their image slots, runs the vision model over their
     * images (the encoder cache answers repeated ones), writes each image's cross-attention K/V into its slot,
     * and builds the tokens' {@code cross_attention_mask} from the prompt. A request whose images cannot be
     * encoded, or whose prompt does not have one image token per image, fails alone.
     */
    private List<Scheduler.Chunk> attachCrossAttention(List<Scheduler.Chunk> plan) {
        List<Sequence> need = new ArrayList<>();
        List<dev.jnim.model.ImageInput> toEncode = new ArrayList<>();
        for (Scheduler.Chunk c : plan) {
            Sequence s = c.seq();
            if (!s.needsImages() || s.imageSlots == null) {
                continue;
            }
            need.add(s);
            for (dev.jnim.model.ImageInput img : s.request.images()) {
                if (encoderCache.containsKey(img.contentHash())) {
                    encoderCacheHits++;
                } else if (toEncode.stream().noneMatch(i -> i.contentHash() == img.contentHash())) {
                    toEncode.add(img);
                }
            }
        }
        if (need.isEmpty()) {
            return plan;
        }
        List<Sequence> failed = new ArrayList<>();
        if (!toEncode.isEmpty()) {
            // Images of the requests admitted in this step share one vision-model run (NIM_ENCODER_BATCHING_MS).
            long t0 = System.nanoTime();
            try {
                List<CrossAttentionModel.Encoded> out = cam.encode(toEncode);
                for (int i = 0; i < toEncode.size(); i++) {
                    encoderCache.put(toEncode.get(i).contentHash(), out.get(i).states());
                }
                imagesEncoded += toEncode.size();
                encoderBatches++;
            } catch (RuntimeException e) {
                log.error("the vision model failed on a batch of {} images", toEncode.size(), e);
            }
            encoderNanos += System.nanoTime() - t0;
        }
        for (Sequence s : need) {
            List<dev.jnim.model.ImageInput> images = s.request.images();
            int[] prompt = s.request.promptTokens();
            try {
                int[] numTiles = new int[images.size()];
                for (int i = 0; i < images.size(); i++) {
                    dev.jnim.model.ImageInput img = images.get(i);
                    float[] states = encoderCache.get(img.contentHash());
                    if (states == null) {
                        throw new IllegalStateException("the vision model failed on this request's images");
                    }
                    cam.writeImageKv(states, imageCache, s.imageSlots[i]);
                    numTiles[i] = img.grid()[1];
                }
                long[] mask = MllamaPromptExpander.crossAttentionMask(prompt, imageTokenId, numTiles, cam.maxTiles());
                s.cross = CrossAttentionInputs.of(imageCache, s.imageSlots.clone(), cam.maxTiles(), mask,
                        prompt.length);
            } catch (RuntimeException e) {
                failed.add(s);
                finish(s, FinishReason.ERROR, "", "the images cannot be used: " + e.getMessage());
            }
        }
        trimEncoderCache();
        return withoutFailed(plan, failed);
    }

    /** The plan without the chunks of sequences whose images failed (they have been finished with an error). */
    private static List<Scheduler.Chunk> withoutFailed(List<Scheduler.Chunk> plan, java.util.Collection<Sequence> failed) {
        if (failed.isEmpty()) {
            return plan;
        }
        List<Scheduler.Chunk> kept = new ArrayList<>();
        for (Scheduler.Chunk c : plan) {
            if (!failed.contains(c.seq())) {
                kept.add(c);
            }
        }
        return kept;
    }

    /** Evicts least recently used encoder outputs beyond the entry and size bounds (the newest always stays). */
    private void trimEncoderCache() {
        long floats = 0;
        for (float[] f : encoderCache.values()) {
            floats += f.length;
        }
        while (encoderCache.size() > 1
                && (encoderCache.size() > ENCODER_CACHE_ENTRIES || floats > ENCODER_CACHE_FLOATS)) {
            floats -= encoderCache.pollFirstEntry().getValue().length;
        }
    }

    private void commitFullBlocks(Sequence s) {
        int full = s.numComputed / KvLayout.BLOCK_SIZE;
        for (int b = s.committedBlocks; b < full; b++) {
            s.lastBlockHash = blocks.commitFullBlock(s.blocks, b, s.tokens(), s.lastBlockHash, s.extra(b));
        }
        s.committedBlocks = Math.max(s.committedBlocks, full);
    }

    private void emit(Sequence s, SampleResult r) {
        GenerationRequest req = s.request;
        int token = r.token();
        if (s.firstTokenNanos == 0) {
            s.firstTokenNanos = System.nanoTime();
        }
        FinishReason reason = null;
        String text = "";
        if ((!req.ignoreEos() && eosIds.contains(token)) || req.stopTokenIds().contains(token)) {
            reason = FinishReason.STOP;
        } else if (s.detokenizer != null) {
            text = s.detokenizer.add(token);
            if (s.stops != null) {
                text = s.stops.push(text);
                if (s.stops.stopped()) {
                    reason = FinishReason.STOP;
                }
            }
        }
        if (reason == null && (s.generated() >= req.maxTokens() || s.length() >= config.maxModelLen())) {
            reason = FinishReason.LENGTH;
        }
        boolean wantSamples = req.sampling().logprobs() || req.sampling().topLogprobs() > 0;
        EngineEvent.Delta delta = new EngineEvent.Delta(new int[] {token}, text, wantSamples ? List.of(r) : List.of());
        if (!s.handle.offer(delta)) {
            finish(s, FinishReason.ABORT, "", "the client did not read its output fast enough");
            return;
        }
        if (reason != null) {
            String rest = "";
            if (reason == FinishReason.LENGTH && s.detokenizer != null) {
                rest = s.detokenizer.finish();
                if (s.stops != null) {
                    rest = s.stops.push(rest);
                    rest = s.stops.stopped() ? rest : rest + s.stops.flush();
                }
            }
            finish(s, reason, rest, null);
        }
    }

    private void finish(Sequence s, FinishReason reason, String text, String error) {
        if (!s.admitted) {
            s.admitted = true;
            queued.decrementAndGet();
        }
        scheduler.remove(s);
        publishStats(); // so that a client seeing the end also sees the blocks back
        active.decrementAndGet();
        int cached = Math.max(0, s.cachedPromptTokens);
        s.handle.finish(new EngineEvent.Finished(reason, text,
                new EngineEvent.Usage(s.promptLength, s.generated(), cached), error,
                new EngineEvent.Timings(s.arrivalNanos, s.scheduledNanos, s.encodeStartNanos, s.encodeEndNanos,
                        s.firstTokenNanos, System.nanoTime())));
    }

    private void publishStats() {
        BlockManager.CacheStats c = blocks.cacheStats();
        stats = new EngineStats(scheduler.running.size(), scheduler.waiting.size(), blocks.used(), blocks.capacity(),
                blocks.cachedIdle(), c.queries(), c.hits(), c.queriedTokens(), c.hitTokens(), scheduler.preemptions(),
                promptTokens, generatedTokens, steps, imagesEncoded, encoderCacheHits, encoderBatches,
                encoderNanos / 1e9, imagePool == null ? 0 : imagePool.used(),
                imagePool == null ? 0 : imagePool.capacity(), scheduler.waitingOnText(), scheduler.waitingOnImages(),
                peakRunning);
    }
}
