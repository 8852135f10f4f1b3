package dev.jnim.cli;

import dev.jnim.engine.Engine;
import dev.jnim.engine.EngineConfig;
import dev.jnim.engine.EngineEvent;
import dev.jnim.engine.GenerationRequest;
import dev.jnim.engine.RequestHandle;
import dev.jnim.engine.SamplingParams;
import dev.jnim.kv.KvCache;
import dev.jnim.kv.KvLayout;
import dev.jnim.model.CausalLM;
import dev.jnim.model.LoadOptions;
import dev.jnim.model.ModelConfig;
import dev.jnim.model.ModelRegistry;
import dev.jnim.model.RandomModels;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jnim bench engine}: continuous batching measured in-process (no HTTP): output tokens/s and
 * latencies at several concurrency levels, and the time to first token of a request sharing a long
 * system prompt with prefix caching off and on. The HTTP-level equivalent is {@code bench serve}.
 */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "Engine throughput at several concurrency levels and prefix-cache TTFT, in-process.")
final class BenchEngineCommand implements Callable<Integer> {

    @Option(names = "--random-shape", defaultValue = "smollm2-135m", description = "Model shape. Default: ${DEFAULT-VALUE}.")
    String shape;

    @Option(names = "--dtypes", split = ",", defaultValue = "q8_0,bf16", description = "Default: ${DEFAULT-VALUE}.")
    List<String> dtypes;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,4,16,64", description = "Default: ${DEFAULT-VALUE}.")
    int[] concurrency;

    @Option(names = "--requests", defaultValue = "0", description = "Requests per level (0 = 2 x concurrency, at least 4).")
    int requests;

    @Option(names = "--prompt-tokens", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
    int promptTokens;

    @Option(names = "--max-tokens", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--shared-prefix", defaultValue = "1024", description = "System prompt length for the TTFT test (0 = skip).")
    int sharedPrefix;

    @Override
    public Integer call() throws Exception {
        try (ComputePool pool = ComputePool.forAvailableProcessors()) {
            for (String d : dtypes) {
                DType dtype = DType.parse(d);
                ModelConfig cfg = RandomModels.shape(shape);
                LoadOptions opts = new LoadOptions(pool, dtype == DType.Q8_0 ? DType.Q8_0 : null);
                try (CausalLM model = ModelRegistry.load(cfg, RandomModels.weights(cfg,
                        dtype == DType.Q8_0 ? DType.BF16 : dtype, 42), opts)) {
                    System.out.printf("%n%s, %s weights, %d cores%n", shape, d, Runtime.getRuntime().availableProcessors());
                    throughput(model);
                    if (sharedPrefix > 0) {
                        prefixTtft(model);
                    }
                }
            }
        }
        return 0;
    }

    private void throughput(CausalLM model) throws InterruptedException {
        int maxC = Arrays.stream(concurrency).max().orElse(1);
        int blocks = maxC * ((promptTokens + maxTokens + KvLayout.BLOCK_SIZE - 1) / KvLayout.BLOCK_SIZE) + 8;
        EngineConfig cfg = EngineConfig.defaults(promptTokens + maxTokens + 16, maxC);
        System.out.printf("  prompt %d tokens, %d output tokens per request%n", promptTokens, maxTokens);
        System.out.printf("  %-12s %12s %14s %12s %12s %12s%n", "concurrency", "requests", "output tok/s",
                "TTFT p50 ms", "TTFT p99 ms", "ITL p50 ms");
        double base = 0;
        try (Engine engine = new Engine(model, new KvCache(model.kvLayout(), blocks), cfg, null, Set.of())) {
            run(engine, model, 1, 1); // warm-up
            for (int c : concurrency) {
                int n = requests > 0 ? requests : Math.max(4, 2 * c);
                Level l = run(engine, model, c, n);
                if (c == 1) {
                    base = l.tokensPerSecond;
                }
                System.out.printf("  %-12d %12d %14.1f %12.1f %12.1f %12.1f%s%n", c, n, l.tokensPerSecond,
                        l.ttft[l.ttft.length / 2], l.ttft[(int) Math.min(l.ttft.length - 1, Math.ceil(l.ttft.length * 0.99) - 1)],
                        l.itlMedian, base > 0 && c > 1 ? String.format("  (%.1fx concurrency 1)", l.tokensPerSecond / base) : "");
            }
        }
    }

    private record Level(double tokensPerSecond, double[] ttft, double itlMedian) {
    }

    private Level run(Engine engine, CausalLM model, int c, int n) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        double[] ttft = new double[n];
        List<Double> itl = java.util.Collections.synchronizedList(new ArrayList<>());
        long[] tokens = new long[1];
        long t0 = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < c; w++) {
            workers.add(Thread.ofVirtual().start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    int[] p = BenchSupport.randomTokens(promptTokens, model.vocabSize(), 1000 + i);
                    long start = System.nanoTime();
                    RequestHandle h = engine.submit(GenerationRequest.of("b" + i, p, SamplingParams.GREEDY, maxTokens)
                            .withIgnoreEos(true));
                    long last = 0;
                    int got = 0;
                    while (true) {
                        EngineEvent e;
                        try {
                            e = h.next(600, TimeUnit.SECONDS);
                        } catch (InterruptedException ex) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        long now = System.nanoTime();
                        if (e instanceof EngineEvent.Delta) {
                            if (got == 0) {
                                ttft[i] = (now - start) / 1e6;
                            } else {
                                itl.add((now - last) / 1e6);
                            }
                            last = now;
                            got++;
                        } else {
                            break;
                        }
                    }
                    synchronized (tokens) {
                        tokens[0] += got;
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Arrays.sort(ttft);
        double[] itls = itl.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Level(tokens[0] / secs, ttft, itls.length == 0 ? 0 : itls[itls.length / 2]);
    }

    private void prefixTtft(CausalLM model) throws InterruptedException {
        int[] system = BenchSupport.randomTokens(sharedPrefix, model.vocabSize(), 7);
        int len = sharedPrefix + 32 + 8;
        int blocks = 4 * ((len + KvLayout.BLOCK_SIZE - 1) / KvLayout.BLOCK_SIZE) + 8;
        double[] medians = new double[2];
        for (int reuse = 0; reuse < 2; reuse++) {
            EngineConfig cfg = EngineConfig.defaults(len + 16, 4).withPrefixCaching(reuse == 1);
            try (Engine engine = new Engine(model, new KvCache(model.kvLayout(), blocks), cfg, null, Set.of())) {
                double[] t = new double[5];
                for (int i = -1; i < t.length; i++) { // -1 fills the cache (and warms up)
                    int[] p = Arrays.copyOf(system, sharedPrefix + 32);
                    System.arraycopy(BenchSupport.randomTokens(32, model.vocabSize(), 50 + i), 0, p, sharedPrefix, 32);
                    long start = System.nanoTime();
                    RequestHandle h = engine.submit(GenerationRequest.of("p" + i, p, SamplingParams.GREEDY, 1)
                            .withIgnoreEos(true));
                    EngineEvent e = h.next(600, TimeUnit.SECONDS);
                    double ms = (System.nanoTime() - start) / 1e6;
                    while (!(e instanceof EngineEvent.Finished)) {
                        e = h.next(600, TimeUnit.SECONDS);
                    }
                    if (i >= 0) {
                        t[i] = ms;
                    }
                }
                Arrays.sort(t);
                medians[reuse] = t[t.length / 2];
            }
        }
        System.out.printf("  TTFT with a %d-token shared system prompt (+32 unique): reuse off %.1f ms, on %.1f ms (%.1fx lower)%n",
                sharedPrefix, medians[0], medians[1], medians[0] / medians[1]);
    }

}
