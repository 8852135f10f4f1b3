package dev.jnim.cli;

import dev.jnim.engine.Engine;
import dev.jnim.engine.EngineConfig;
import dev.jnim.engine.EngineEvent;
import dev.jnim.engine.EngineStats;
import dev.jnim.engine.GenerationRequest;
import dev.jnim.engine.RequestHandle;
import dev.jnim.engine.SamplingParams;
import dev.jnim.kv.ImageKvCache;
import dev.jnim.kv.KvCache;
import dev.jnim.kv.KvSplit;
import dev.jnim.model.CrossAttentionModel;
import dev.jnim.model.ImageInput;
import dev.jnim.model.LoadOptions;
import dev.jnim.model.ModelConfig;
import dev.jnim.model.ModelRegistry;
import dev.jnim.model.RandomModels;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jnim bench mllama}: how {@code NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN} decides the concurrency of a
 * cross-attention model. A random Llama 3.2 Vision-shaped model, a fixed KV memory sized so that the balanced
 * split runs {@code --balanced-requests} requests at once, and a burst of requests of which {@code --image-share}
 * carry one image; for each value of the variable (too low, balanced, too high) it prints the split, both pool
 * capacities, the concurrency achieved (peak and mean running requests), preemptions and output tokens/s.
 */
@Command(name = "mllama", mixinStandardHelpOptions = true,
        description = "Text/image KV split of a cross-attention model: concurrency and throughput for three values of"
                + " NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN.")
final class BenchMllamaCommand implements Callable<Integer> {

    @Option(names = "--random-shape", defaultValue = "mllama-small", description = "Model shape. Default: ${DEFAULT-VALUE}.")
    String shape;

    @Option(names = "--dtype", defaultValue = "bf16", description = "Weights. Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--requests", defaultValue = "48", description = "Requests in the burst. Default: ${DEFAULT-VALUE}.")
    int requests;

    @Option(names = "--image-share", defaultValue = "0.75", description = "Fraction of requests with an image. Default: ${DEFAULT-VALUE}.")
    double imageShare;

    @Option(names = "--prompt-tokens", defaultValue = "64", description = "Text prompt tokens. Default: ${DEFAULT-VALUE}.")
    int promptTokens;

    @Option(names = "--max-tokens", defaultValue = "64", description = "Output tokens per request. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--balanced-requests", defaultValue = "8",
            description = "Image requests the KV memory holds at the balanced split. Default: ${DEFAULT-VALUE}.")
    int balancedRequests;

    @Option(names = "--targets", split = ",",
            description = "Values of NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN (default: a quarter of, exactly, and 4x the "
                    + "balanced value, (prompt + max tokens) / image share).")
    double[] targets;

    @Option(names = "--runs", defaultValue = "3", description = "Runs per value; medians are printed. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Override
    public Integer call() throws Exception {
        try (ComputePool pool = ComputePool.forAvailableProcessors()) {
            ModelConfig cfg = RandomModels.shape(shape);
            DType d = DType.parse(dtype);
            try (CrossAttentionModel model = (CrossAttentionModel) ModelRegistry.load(cfg,
                    RandomModels.weights(cfg, d, 42), LoadOptions.of(pool))) {
                int text = promptTokens + 1 + maxTokens;
                // The seed's advice: ISL + OSL, divided by the share of requests with an image.
                double balanced = text / imageShare;
                double[] ls = targets != null ? targets : new double[] {balanced / 4, balanced, balanced * 4};
                int tokensPerImage = model.imageKvLayout().tokensPerImage();
                long perRequest = (long) (balanced * model.kvLayout().bytesPerToken())
                        + model.imageKvLayout().bytesPerImage();
                long memory = balancedRequests * perRequest;
                int maxModelLen = text + 16;
                System.out.printf("%n%s, %s weights, %d compute threads; KV memory M = %.2f MiB; %d requests, %.0f%% "
                                + "with one image of %d vision tokens, %d prompt + %d output tokens%n", shape, dtype,
                        pool.threads(), memory / 1048576.0, requests, 100 * imageShare, tokensPerImage,
                        promptTokens + 1, maxTokens);
                System.out.printf("  text KV %d B/token (%d self-attention layers), image KV %d B/token (%d "
                                + "cross-attention layers)%n", model.kvLayout().bytesPerToken(), model.kvLayout().layers(),
                        model.imageKvLayout().bytesPerToken(), model.imageKvLayout().layers());
                System.out.printf("  medians of %d runs (peak running and preemptions: the largest)%n", runs);
                System.out.printf("  %-10s %7s %12s %12s %10s %10s %8s %12s %8s%n", "target L", "f", "text tokens",
                        "image slots", "peak run", "mean run", "preempt", "output tok/s", "wall s");
                run(model, KvSplit.fromFraction(model.kvLayout(), model.imageKvLayout(), memory, 0.5, balanced, true,
                        maxModelLen), maxModelLen, 4); // warm-up
                for (double l : ls) {
                    KvSplit split;
                    try {
                        split = KvSplit.compute(model.kvLayout(), model.imageKvLayout(), memory, 1.0, maxModelLen,
                                OptionalDouble.of(l));
                    } catch (IllegalStateException e) {
                        System.out.printf("  %-10.0f refused at startup: %s%n", l, e.getMessage());
                        continue;
                    }
                    double[] tps = new double[runs];
                    double[] mean = new double[runs];
                    double[] wall = new double[runs];
                    int peak = 0;
                    long preempt = 0;
                    for (int k = 0; k < runs; k++) {
                        Result one = run(model, split, maxModelLen, requests);
                        tps[k] = one.tokensPerSecond;
                        mean[k] = one.mean;
                        wall[k] = one.seconds;
                        peak = Math.max(peak, one.peak);
                        preempt = Math.max(preempt, one.preemptions);
                    }
                    Result r = new Result(peak, BenchSupport.median(mean), preempt, BenchSupport.median(tps),
                            BenchSupport.median(wall));
                    System.out.printf("  %-10.0f %6.1f%% %12d %12d %10d %10.2f %8d %12.1f %8.2f%s%n", l,
                            100 * split.imageFraction(), split.text().tokens(), split.imageSlots(), r.peak, r.mean,
                            r.preemptions, r.tokensPerSecond, r.seconds, Math.abs(l - balanced) < 1e-9 ? "  (balanced)" : "");
                }
            }
        }
        return 0;
    }

    private record Result(int peak, double mean, long preemptions, double tokensPerSecond, double seconds) {
    }

    private Result run(CrossAttentionModel model, KvSplit split, int maxModelLen, int n) throws InterruptedException {
        EngineConfig cfg = EngineConfig.defaults(maxModelLen, 256).withMaxWaiting(10_000);
        try (ImageKvCache images = new ImageKvCache(model.imageKvLayout(), split.imageSlots());
             Engine engine = new Engine(model, new KvCache(model.kvLayout(), split.text().blocks()), images, cfg, null,
                     Set.of())) {
            List<RequestHandle> hs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                hs.add(engine.submit(request(model, i)));
            }
            long samples = 0;
            long running = 0;
            while (!engine.idle()) {
                EngineStats s = engine.stats();
                samples++;
                running += s.running();
                Thread.sleep(1);
            }
            long tokens = 0;
            for (RequestHandle h : hs) {
                EngineEvent e;
                while ((e = h.next(60, TimeUnit.SECONDS)) != null) {
                    if (e instanceof EngineEvent.Finished f) {
                        if (f.error() != null) {
                            throw new IllegalStateException("request failed: " + f.error());
                        }
                        tokens += f.usage().completionTokens();
                        break;
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            EngineStats s = engine.stats();
            return new Result(s.peakRunning(), samples == 0 ? 0 : (double) running / samples, s.preemptions(),
                    tokens / seconds, seconds);
        }
    }

    /** Request i: an image (its own content) for the first {@code imageShare} of every 100, spread evenly. */
    private GenerationRequest request(CrossAttentionModel model, int i) {
        int[] text = BenchSupport.randomTokens(promptTokens, model.vocabSize(), 1000 + i);
        boolean image = Math.floor((i + 1) * imageShare) > Math.floor(i * imageShare);
        int[] prompt = new int[promptTokens + 1];
        prompt[0] = image ? model.imageTokenId() : text[0];
        System.arraycopy(text, 0, prompt, 1, promptTokens);
        GenerationRequest r = GenerationRequest.of("m" + i, prompt, SamplingParams.GREEDY, maxTokens).withIgnoreEos(true);
        if (!image) {
            return r;
        }
        int tiles = model.maxTiles();
        int used = 1 + i % Math.min(4, tiles); // aspect ratio ids 1..4 are (1,1), (1,2), (1,3), (1,4)
        SplittableRandom rng = new SplittableRandom(i);
        float[] px = new float[model.pixelValuesPerImage()];
        for (int k = 0; k < px.length * used / tiles; k++) {
            px[k] = (float) rng.nextGaussian();
        }
        return r.withImages(List.of(ImageInput.tiled(px, tiles, used, used, i)));
    }
}
