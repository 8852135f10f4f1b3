package dev.jnim.engine;

import dev.jnim.kv.BlockPool;
import dev.jnim.kv.BlockTable;
import dev.jnim.kv.KvCache;
import dev.jnim.model.CausalLM;
import dev.jnim.model.ForwardBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Generates tokens for several prompts at once: one forward pass prefills every prompt, then each
 * step decodes one token for every sequence in a single batch. The minimal engine the scheduler
 * builds on; it holds no state between calls, and every block it takes is released before it
 * returns.
 *
 * <p>Threading: one call at a time (it drives the model's single-threaded forward pass).
 */
public final class Generator {

    /** The output of one prompt: generated ids, their sampling results, and optionally each step's logits. */
    public record Generation(int[] tokens, List<SampleResult> samples, float[][] stepLogits) {
    }

    private final CausalLM model;
    private final KvCache cache;
    private final BlockPool pool;
    private final Sampler sampler = new Sampler();
    private final ForwardBatch batch = new ForwardBatch();

    public Generator(CausalLM model, KvCache cache, BlockPool pool) {
        this.model = model;
        this.cache = cache;
        this.pool = pool;
    }

    /**
     * Generates {@code maxNewTokens} tokens for each prompt (no stop condition: the caller decides
     * what to keep). With {@code keepLogits}, each step's raw logits are returned too.
     */
    public List<Generation> generate(List<int[]> prompts, List<SamplingParams> params, int maxNewTokens,
                                     boolean keepLogits) {
        return generate(prompts, params, maxNewTokens, keepLogits, null);
    }

    /**
     * Image inputs of one prompt: {@code positions[i]} enters the model as
     * {@code rows[i·hidden, (i+1)·hidden)}; for M-RoPE models {@code rope} gives the prompt's
     * (temporal, height, width) positions {@code [3 × n]} and decode step k uses
     * {@code n + k + ropeDelta} on all three axes ({@code rope} null otherwise).
     */
    public record PromptEmbeddings(int[] positions, float[] rows, int hidden, int[][] rope, int ropeDelta) {
        public PromptEmbeddings(int[] positions, float[] rows, int hidden) {
            this(positions, rows, hidden, null, 0);
        }
    }

    /** As {@link #generate(List, List, int, boolean)}, with image features for some prompts (null entries: none). */
    public List<Generation> generate(List<int[]> prompts, List<SamplingParams> params, int maxNewTokens,
                                     boolean keepLogits, List<PromptEmbeddings> embeddings) {
        int n = prompts.size();
        if (params.size() != n) {
            throw new IllegalArgumentException("one SamplingParams per prompt");
        }
        int vocab = model.vocabSize();
        BlockTable[] tables = new BlockTable[n];
        TokenHistory[] histories = new TokenHistory[n];
        RandomGenerator[] rngs = new RandomGenerator[n];
        int[][] out = new int[n][maxNewTokens];
        List<List<SampleResult>> samples = new ArrayList<>();
        float[][][] stepLogits = keepLogits ? new float[n][maxNewTokens][] : null;
        try {
            for (int i = 0; i < n; i++) {
                tables[i] = new BlockTable();
                histories[i] = new TokenHistory(vocab, prompts.get(i));
                Long seed = params.get(i).seed();
                rngs[i] = seed != null ? new SplittableRandom(seed) : new SplittableRandom();
                samples.add(new ArrayList<>());
            }
            int[] last = new int[1];
            for (int step = 0; step < maxNewTokens; step++) {
                batch.clear();
                for (int i = 0; i < n; i++) {
                    int[] prompt = prompts.get(i);
                    int ctx = prompt.length + step;
                    if (!tables[i].ensureCapacity(ctx, pool)) {
                        throw new IllegalStateException("KV cache exhausted: " + pool.freeCount() + " free blocks");
                    }
                    if (step == 0) {
                        int base = batch.numTokens();
                        batch.add(prompt, 0, prompt.length, 0, tables[i].array(), ForwardBatch.Logits.LAST);
                        PromptEmbeddings e = embeddings == null ? null : embeddings.get(i);
                        if (e != null) {
                            for (int k = 0; k < e.positions().length; k++) {
                                batch.setEmbedding(base + e.positions()[k], e.rows(), k * e.hidden());
                            }
                            if (e.rope() != null) {
                                for (int k = 0; k < prompt.length; k++) {
                                    batch.setRopePositions(base + k, e.rope()[0][k], e.rope()[1][k], e.rope()[2][k]);
                                }
                            }
                        }
                    } else {
                        last[0] = out[i][step - 1];
                        int base = batch.numTokens();
                        batch.add(last, 0, 1, ctx - 1, tables[i].array(), ForwardBatch.Logits.LAST);
                        PromptEmbeddings e = embeddings == null ? null : embeddings.get(i);
                        if (e != null && e.rope() != null) {
                            int p = ctx - 1 + e.ropeDelta();
                            batch.setRopePositions(base, p, p, p);
                        }
                    }
                }
                float[] logits = model.forward(batch, cache);
                for (int i = 0; i < n; i++) {
                    SamplingParams p = params.get(i);
                    SampleResult r = sampler.sample(logits, i * vocab, vocab, p, histories[i], rngs[i]);
                    out[i][step] = r.token();
                    histories[i].addGenerated(r.token());
                    samples.get(i).add(r);
                    if (keepLogits) {
                        stepLogits[i][step] = java.util.Arrays.copyOfRange(logits, i * vocab, (i + 1) * vocab);
                    }
                }
            }
        } finally {
            for (BlockTable t : tables) {
                if (t != null) {
                    t.releaseAll(pool);
                }
            }
        }
        List<Generation> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            result.add(new Generation(out[i], List.copyOf(samples.get(i)), keepLogits ? stepLogits[i] : null));
        }
        return result;
    }
}
