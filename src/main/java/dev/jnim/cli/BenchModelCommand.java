package dev.jnim.cli;

import dev.jnim.kv.BlockPool;
import dev.jnim.kv.BlockTable;
import dev.jnim.kv.KvCache;
import dev.jnim.kv.KvLayout;
import dev.jnim.model.CausalLM;
import dev.jnim.model.ForwardBatch;
import dev.jnim.model.LoadOptions;
import dev.jnim.model.ModelConfig;
import dev.jnim.model.ModelRegistry;
import dev.jnim.model.RandomModels;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.DType;
import dev.jnim.tensor.ReadBandwidth;
import dev.jnim.weights.Checkpoints;
import dev.jnim.weights.WeightSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jnim bench model}: prefill and decode speed of the forward pass, on a real model directory
 * or a random model of a named shape, compared with the memory-bandwidth limit of decode.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Prefill tokens/s and decode tokens/s at several batch sizes, vs the memory-bandwidth limit.")
final class BenchModelCommand implements Callable<Integer> {

    @Option(names = "--random-shape", paramLabel = "NAME", description = "Random weights of a named shape: smollm2-135m, tiny.")
    String randomShape;

    @Option(names = "--model-dir", paramLabel = "DIR", description = "A Hugging Face model directory instead of random weights.")
    Path modelDir;

    @Option(names = "--dtypes", split = ",", defaultValue = "bf16,q8_0",
            description = "Weight precisions to run (bf16, f32, q8_0 = quantised at load). Default: ${DEFAULT-VALUE}.")
    List<String> dtypes;

    @Option(names = "--prompt-tokens", defaultValue = "512", description = "Prefill length. Default: ${DEFAULT-VALUE}.")
    int promptTokens;

    @Option(names = "--batches", split = ",", defaultValue = "1,8,32", description = "Decode batch sizes. Default: ${DEFAULT-VALUE}.")
    int[] batches;

    @Option(names = "--decode-steps", defaultValue = "32", description = "Decode steps timed per run. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--runs", defaultValue = "3", description = "Runs per figure (the median is printed). Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--threads", description = "Compute threads (default: available processors).")
    Integer threads;

    @Override
    public Integer call() {
        if ((randomShape == null) == (modelDir == null)) {
            System.err.println("bench model: give exactly one of --random-shape NAME or --model-dir DIR");
            return 2;
        }
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        try (ComputePool pool = new ComputePool(nThreads)) {
            double bandwidth = ReadBandwidth.measure(pool, 1L << 30, 5);
            System.out.printf("machine: %d cores, %d compute threads, vector %d-bit, read bandwidth %.1f GB/s (median of 5, 1 GiB)%n",
                    Runtime.getRuntime().availableProcessors(), nThreads, FloatVector.SPECIES_PREFERRED.vectorBitSize(),
                    bandwidth / 1e9);
            for (String d : dtypes) {
                DType dtype = DType.parse(d);
                ModelConfig cfg = randomShape != null ? RandomModels.shape(randomShape) : ModelConfig.load(modelDir);
                DType stored = dtype == DType.Q8_0 ? DType.BF16 : dtype;
                WeightSource w = randomShape != null ? RandomModels.weights(cfg, stored, 42) : Checkpoints.open(modelDir);
                LoadOptions opts = new LoadOptions(pool, dtype == DType.Q8_0 ? DType.Q8_0 : null);
                try (CausalLM model = ModelRegistry.load(cfg, w, opts)) {
                    run(model, dtype, bandwidth, randomShape != null ? randomShape : modelDir.toString());
                }
            }
        }
        return 0;
    }

    private void run(CausalLM model, DType dtype, double bandwidth, String name) {
        int maxBatch = Arrays.stream(batches).max().orElse(1);
        int ctx = Math.max(promptTokens, 16 + steps + 1);
        int blocksPerSeq = (ctx + KvLayout.BLOCK_SIZE - 1) / KvLayout.BLOCK_SIZE;
        int totalBlocks = Math.max(blocksPerSeq, maxBatch * ((16 + steps + 1 + 15) / 16)) + 1;
        long weightBytes = model.weightBytesPerStep();
        double limit = bandwidth / weightBytes;
        System.out.printf("%n%s, %s weights: %.1f MB read per decode step -> bandwidth limit %.1f tokens/s at batch 1%n",
                name, dtype.name().toLowerCase(), weightBytes / 1e6, limit);
        try (KvCache cache = new KvCache(model.kvLayout(), totalBlocks)) {
            BlockPool pool = new BlockPool(totalBlocks);
            int[] prompt = BenchSupport.randomTokens(promptTokens, model.vocabSize(), 1);
            double[] prefill = new double[runs];
            for (int r = -1; r < runs; r++) { // r = -1 is warm-up
                BlockTable t = new BlockTable();
                t.ensureCapacity(promptTokens, pool);
                ForwardBatch b = new ForwardBatch();
                b.add(prompt, 0, promptTokens, 0, t.array(), ForwardBatch.Logits.LAST);
                long t0 = System.nanoTime();
                model.forward(b, cache);
                double s = (System.nanoTime() - t0) / 1e9;
                if (r >= 0) {
                    prefill[r] = promptTokens / s;
                }
                t.releaseAll(pool);
            }
            System.out.printf("  prefill %d tokens: %.1f tokens/s%n", promptTokens, BenchSupport.median(prefill));
            double batch1 = 0;
            for (int batch : batches) {
                double[] rates = new double[runs];
                for (int r = -1; r < runs; r++) {
                    double rate = decode(model, cache, pool, batch);
                    if (r >= 0) {
                        rates[r] = rate;
                    }
                }
                double m = BenchSupport.median(rates);
                if (batch == 1) {
                    batch1 = m;
                }
                String extra = batch == 1 ? String.format(" (%.0f%% of the bandwidth limit)", 100 * m / limit)
                        : batch1 > 0 ? String.format(" (%.1fx batch 1)", m / batch1) : "";
                System.out.printf("  decode batch %2d: %.1f tokens/s%s%n", batch, m, extra);
            }
        }
    }

    /** Prefills {@code batch} 16-token prompts, then times {@code steps} decode steps; returns tokens/s. */
    private double decode(CausalLM model, KvCache cache, BlockPool pool, int batch) {
        int vocab = model.vocabSize();
        BlockTable[] tables = new BlockTable[batch];
        int[] last = new int[batch];
        ForwardBatch b = new ForwardBatch();
        for (int i = 0; i < batch; i++) {
            tables[i] = new BlockTable();
            tables[i].ensureCapacity(16 + steps, pool);
            b.add(BenchSupport.randomTokens(16, vocab, 100 + i), 0, 16, 0, tables[i].array(), ForwardBatch.Logits.LAST);
        }
        float[] logits = model.forward(b, cache);
        for (int i = 0; i < batch; i++) {
            last[i] = argmax(logits, i * vocab, vocab);
        }
        int[] one = new int[1];
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            b.clear();
            for (int i = 0; i < batch; i++) {
                one[0] = last[i];
                b.add(one, 0, 1, 16 + s, tables[i].array(), ForwardBatch.Logits.LAST);
            }
            logits = model.forward(b, cache);
            for (int i = 0; i < batch; i++) {
                last[i] = argmax(logits, i * vocab, vocab);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        for (BlockTable t : tables) {
            t.releaseAll(pool);
        }
        return batch * steps / secs;
    }

    private static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (x[off + i] > x[off + best]) {
                best = i;
            }
        }
        return best;
    }


}
