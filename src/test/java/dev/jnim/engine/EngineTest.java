package dev.jnim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnim.kv.KvCache;
import dev.jnim.model.CausalLM;
import dev.jnim.model.LoadOptions;
import dev.jnim.model.ModelConfig;
import dev.jnim.model.ModelRegistry;
import dev.jnim.model.RandomModels;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.DType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request's output is the same whether it runs alone, in a batch of 32, chunked, preempted and
 * resumed, or with its prefix from the cache; every block comes back.
 */
class EngineTest {

    private static ComputePool pool;
    private static CausalLM model;
    private final List<Engine> engines = new ArrayList<>();

    @BeforeAll
    static void load() {
        pool = new ComputePool(2);
        ModelConfig cfg = RandomModels.shape("tiny");
        model = ModelRegistry.load(cfg, RandomModels.weights(cfg, DType.BF16, 5), LoadOptions.of(pool));
    }

    @AfterAll
    static void unload() {
        model.close();
        pool.close();
    }

    @AfterEach
    void everyBlockIsBack() throws InterruptedException {
        for (Engine e : engines) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while ((!e.idle() || e.stats().kvUsedBlocks() != 0) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(e.stats().kvUsedBlocks()).as("blocks held after the test").isZero();
            assertThat(e.idle()).isTrue();
            e.close();
        }
    }

    private Engine engine(int blocks, EngineConfig cfg) {
        Engine e = new Engine(model, new KvCache(model.kvLayout(), blocks), cfg, null, Set.of(299));
        engines.add(e);
        return e;
    }

    private static EngineConfig config() {
        return EngineConfig.defaults(2048, 64);
    }

    static void awaitIdle(Engine e) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!e.idle() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
    }

    private static int[] prompt(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = r.nextInt(299);
        }
        return p;
    }

    private static GenerationRequest request(int i, int promptLen, int maxTokens) {
        SamplingParams sp = i % 2 == 0 ? SamplingParams.GREEDY
                : new SamplingParams(0.9, 40, 0.95, 0, 1000L + i, 1.1, 0.2, 0.1, java.util.Map.of(), false, 0);
        return GenerationRequest.of("r" + i, prompt(promptLen, i), sp, maxTokens).withIgnoreEos(true);
    }

    /** Reads a request to its end; returns the generated ids and the final event. */
    static Result collect(RequestHandle h) throws InterruptedException {
        List<Integer> ids = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        while (true) {
            EngineEvent e = h.next(30, TimeUnit.SECONDS);
            assertThat(e).as("engine answered in time").isNotNull();
            switch (e) {
                case EngineEvent.Delta d -> {
                    for (int t : d.tokenIds()) {
                        ids.add(t);
                    }
                    text.append(d.text());
                }
                case EngineEvent.Finished f -> {
                    text.append(f.text());
                    return new Result(ids.stream().mapToInt(Integer::intValue).toArray(), text.toString(), f);
                }
            }
        }
    }

    record Result(int[] ids, String text, EngineEvent.Finished finished) {
    }

    private List<int[]> runAlone(Engine e, List<GenerationRequest> reqs) throws InterruptedException {
        List<int[]> out = new ArrayList<>();
        for (GenerationRequest r : reqs) {
            out.add(collect(e.submit(r)).ids());
        }
        return out;
    }

    private List<Result> runTogether(Engine e, List<GenerationRequest> reqs) throws InterruptedException {
        List<RequestHandle> hs = new ArrayList<>();
        for (GenerationRequest r : reqs) {
            hs.add(e.submit(r));
        }
        List<Result> out = new ArrayList<>();
        for (RequestHandle h : hs) {
            out.add(collect(h));
        }
        return out;
    }

    @Test
    void aBatchOf32GivesEachRequestWhatItGetsAlone() throws InterruptedException {
        List<GenerationRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            reqs.add(request(i, 3 + (i * 7) % 40, 12));
        }
        Engine e = engine(512, config());
        List<int[]> alone = runAlone(e, reqs);
        List<Result> together = runTogether(e, reqs);
        for (int i = 0; i < reqs.size(); i++) {
            assertThat(together.get(i).ids()).as("request %d", i).isEqualTo(alone.get(i));
            assertThat(together.get(i).finished().reason()).isEqualTo(FinishReason.LENGTH);
            assertThat(together.get(i).finished().usage().completionTokens()).isEqualTo(12);
        }
        awaitIdle(e); // the stats snapshot of the last step is published after its tokens are delivered
        assertThat(e.stats().generatedTokens()).isEqualTo(64L * 12);
    }

    @Test
    void chunkedPrefillGivesTheSameOutput() throws InterruptedException {
        List<GenerationRequest> reqs = List.of(request(1, 70, 10), request(2, 45, 10), request(3, 5, 10));
        List<int[]> alone = runAlone(engine(256, config()), reqs);
        Engine chunked = engine(256, config().withMaxBatchedTokens(7));
        List<Result> together = runTogether(chunked, reqs);
        for (int i = 0; i < reqs.size(); i++) {
            assertThat(together.get(i).ids()).isEqualTo(alone.get(i));
        }
        assertThat(chunked.stats().steps()).isGreaterThan(70 / 7);
    }

    @Test
    void preemptedRequestsResumeWithTheSameOutput() throws InterruptedException {
        List<GenerationRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            reqs.add(request(i, 20, 40)); // 60 tokens = 4 blocks each at the end
        }
        List<int[]> alone = runAlone(engine(256, config()), reqs);
        Engine tight = engine(12, config()); // 3 of 8 sequences fit: the rest wait or get preempted
        List<Result> together = runTogether(tight, reqs);
        for (int i = 0; i < reqs.size(); i++) {
            assertThat(together.get(i).ids()).as("request %d", i).isEqualTo(alone.get(i));
        }
        assertThat(tight.stats().preemptions()).isGreaterThan(0);
    }

    @Test
    void prefixFromTheCacheGivesTheSameOutputAndIsReported() throws InterruptedException {
        int[] system = prompt(64, 99);
        List<GenerationRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int[] p = java.util.Arrays.copyOf(system, 64 + 5 + i);
            System.arraycopy(prompt(5 + i, i), 0, p, 64, 5 + i);
            reqs.add(GenerationRequest.of("p" + i, p, i % 2 == 0 ? SamplingParams.GREEDY
                    : SamplingParams.temperature(1.0, 7L + i), 8).withIgnoreEos(true));
        }
        List<int[]> plain = runAlone(engine(128, config()), reqs);
        Engine cached = engine(128, config().withPrefixCaching(true));
        List<Result> first = new ArrayList<>();
        for (GenerationRequest r : reqs) {
            first.add(collect(cached.submit(r)));
        }
        for (int i = 0; i < reqs.size(); i++) {
            assertThat(first.get(i).ids()).isEqualTo(plain.get(i));
        }
        assertThat(first.get(0).finished().usage().cachedTokens()).isZero();
        for (int i = 1; i < reqs.size(); i++) {
            assertThat(first.get(i).finished().usage().cachedTokens()).as("request %d", i).isEqualTo(64);
        }
        // The exact same prompt again: all full blocks but the one holding the last token come from the cache.
        Result again = collect(cached.submit(reqs.get(3)));
        assertThat(again.ids()).isEqualTo(plain.get(3));
        assertThat(again.finished().usage().cachedTokens()).isEqualTo(64);
        awaitIdle(cached);
        assertThat(cached.stats().prefixHitRate()).isGreaterThan(0.5);
        assertThat(cached.stats().kvCachedBlocks()).isGreaterThan(0);
    }

    @Test
    void cachedBlocksAreEvictedWhenMemoryIsNeeded() throws InterruptedException {
        Engine e = engine(8, config().withPrefixCaching(true));
        for (int i = 0; i < 6; i++) {
            Result r = collect(e.submit(GenerationRequest.of("e" + i, prompt(60, 500 + i), SamplingParams.GREEDY, 4)
                    .withIgnoreEos(true)));
            assertThat(r.finished().reason()).isEqualTo(FinishReason.LENGTH);
        }
        assertThat(e.stats().kvCachedBlocks()).isLessThanOrEqualTo(8);
    }

    @Test
    void cancellationFreesEveryBlockWithinAStep() throws InterruptedException {
        Engine e = engine(64, config());
        RequestHandle h = e.submit(request(0, 30, 500));
        EngineEvent first = h.next(10, TimeUnit.SECONDS);
        assertThat(first).isInstanceOf(EngineEvent.Delta.class);
        long held = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (e.stats().kvUsedBlocks() == 0 && System.nanoTime() < held) {
            Thread.sleep(1); // stats are published at the end of the step that sent the delta
        }
        assertThat(e.stats().kvUsedBlocks()).isGreaterThan(0);
        h.cancel();
        Result r = collect(h);
        assertThat(r.finished().reason()).isEqualTo(FinishReason.ABORT);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (e.stats().kvUsedBlocks() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(e.stats().kvUsedBlocks()).isZero();
    }

    @Test
    void aClientThatDoesNotReadIsCancelled() throws InterruptedException {
        Engine e = engine(64, config().withOutboxCapacity(3));
        RequestHandle h = e.submit(request(0, 10, 200));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!h.isFinished() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Result r = collect(h);
        assertThat(r.finished().reason()).isEqualTo(FinishReason.ABORT);
        assertThat(r.finished().error()).contains("fast enough");
        assertThat(r.ids().length).isLessThanOrEqualTo(3);
    }

    @Test
    void eosAndStopTokenIdsEndGeneration() throws InterruptedException {
        Engine e = engine(64, config());
        GenerationRequest base = GenerationRequest.of("s", prompt(10, 3), SamplingParams.GREEDY, 30);
        int[] free = collect(e.submit(base.withIgnoreEos(true))).ids();
        int stopAt = free[4];
        Result r = collect(e.submit(base.withIgnoreEos(true).withStops(Set.of(stopAt), List.of())));
        assertThat(r.finished().reason()).isEqualTo(FinishReason.STOP);
        int firstIndex = 0;
        while (free[firstIndex] != stopAt) {
            firstIndex++;
        }
        assertThat(r.ids()).isEqualTo(java.util.Arrays.copyOf(free, firstIndex + 1));
    }

    @Test
    void requestsThatCanNeverRunAreRejectedUpFront() {
        Engine e = engine(4, new EngineConfig(8, 64, 100, 2, false, 16, 0));
        assertThatThrownBy(() -> e.submit(GenerationRequest.of("x", prompt(90, 1), SamplingParams.GREEDY, 20)))
                .isInstanceOfSatisfying(RequestRejectedException.class, ex -> {
                    assertThat(ex.status()).isEqualTo(400);
                    assertThat(ex.getMessage()).contains("100").contains("110").contains("90").contains("20");
                });
        assertThatThrownBy(() -> e.submit(GenerationRequest.of("y", prompt(60, 1), SamplingParams.GREEDY, 10)))
                .isInstanceOfSatisfying(RequestRejectedException.class, ex -> {
                    assertThat(ex.status()).isEqualTo(400);
                    assertThat(ex.getMessage()).contains("whole cache holds 64");
                });
        assertThatThrownBy(() -> e.submit(GenerationRequest.of("z", new int[] {5, 400}, SamplingParams.GREEDY, 1)))
                .hasMessageContaining("token id 400");
    }

    @Test
    void aFullQueueAnswers429AndTheQueueDrains() throws InterruptedException {
        Engine e = engine(64, new EngineConfig(1, 64, 512, 2, false, 4096, 0));
        List<RequestHandle> hs = new ArrayList<>();
        int rejected = 0;
        for (int i = 0; i < 12; i++) {
            try {
                hs.add(e.submit(request(i, 8, 30)));
            } catch (RequestRejectedException ex) {
                assertThat(ex.status()).isEqualTo(429);
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(0);
        for (RequestHandle h : hs) {
            assertThat(collect(h).finished().reason()).isEqualTo(FinishReason.LENGTH);
        }
        assertThat(collect(e.submit(request(99, 8, 3))).ids()).hasSize(3);
    }

    @Test
    void shutdownRefusesNewRequestsAndFinishesRunningOnes() throws InterruptedException {
        Engine e = engine(64, config());
        RequestHandle h = e.submit(request(0, 8, 20));
        Thread t = Thread.ofVirtual().start(() -> e.shutdown(Duration.ofSeconds(20)));
        Result r = collect(h);
        t.join();
        assertThat(r.finished().reason()).isEqualTo(FinishReason.LENGTH);
        assertThatThrownBy(() -> e.submit(request(1, 8, 2)))
                .isInstanceOfSatisfying(RequestRejectedException.class, ex -> assertThat(ex.status()).isEqualTo(503));
    }
}
