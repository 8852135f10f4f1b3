package dev.jnim.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.kv.BlockPool;
import dev.jnim.kv.BlockTable;
import dev.jnim.kv.KvCache;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.DType;
import dev.jnim.weights.SafetensorsFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The forward pass over a batch gives each sequence exactly what it would get alone, whatever
 * the chunking, the batch mates, or where its blocks sit in the cache.
 */
class BatchedForwardTest {

    private static ComputePool pool;
    private static CausalLM model;

    @BeforeAll
    static void load() throws Exception {
        pool = new ComputePool(2);
        Path dir = Path.of(BatchedForwardTest.class.getResource("/golden/llama-gqa-llama3rope-tied").toURI());
        model = ModelRegistry.load(ModelConfig.load(dir), SafetensorsFile.open(dir.resolve("model.safetensors")),
                LoadOptions.of(pool));
    }

    @AfterAll
    static void close() {
        model.close();
        pool.close();
    }

    private static int[] prompt(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = r.nextInt(256);
        }
        return p;
    }

    /** Logits of every position of {@code p}, run alone in one prefill. */
    private static float[] alone(int[] p, KvCache cache, BlockPool blocks) {
        BlockTable t = new BlockTable();
        assertThat(t.ensureCapacity(p.length, blocks)).isTrue();
        ForwardBatch b = new ForwardBatch();
        b.add(p, 0, p.length, 0, t.array(), ForwardBatch.Logits.ALL);
        float[] out = Arrays.copyOf(model.forward(b, cache), p.length * model.vocabSize());
        t.releaseAll(blocks);
        return out;
    }

    @Test
    void batchOfDifferentLengthsEqualsEachSequenceAlone() {
        int v = model.vocabSize();
        int[][] prompts = {prompt(5, 1), prompt(17, 2), prompt(33, 3), prompt(1, 4)};
        try (KvCache cache = new KvCache(model.kvLayout(), 64)) {
            BlockPool blocks = new BlockPool(64);
            float[][] want = new float[prompts.length][];
            for (int i = 0; i < prompts.length; i++) {
                want[i] = alone(prompts[i], cache, blocks);
            }
            ForwardBatch b = new ForwardBatch();
            BlockTable[] tables = new BlockTable[prompts.length];
            int[] firstRow = new int[prompts.length];
            for (int i = 0; i < prompts.length; i++) {
                tables[i] = new BlockTable();
                tables[i].ensureCapacity(prompts[i].length, blocks);
                firstRow[i] = b.add(prompts[i], 0, prompts[i].length, 0, tables[i].array(), ForwardBatch.Logits.ALL);
            }
            float[] got = model.forward(b, cache);
            for (int i = 0; i < prompts.length; i++) {
                float[] mine = Arrays.copyOfRange(got, firstRow[i] * v, (firstRow[i] + prompts[i].length) * v);
                assertThat(mine).as("sequence %d", i).isEqualTo(want[i]);
                tables[i].releaseAll(blocks);
            }
            assertThat(blocks.freeCount()).isEqualTo(64);
        }
    }

    @Test
    void chunkedPrefillAndTokenByTokenDecodeCrossBlockBoundariesExactly() {
        int v = model.vocabSize();
        int[] p = prompt(50, 9); // blocks of 16: crosses 16, 32 and 48
        try (KvCache cache = new KvCache(model.kvLayout(), 16)) {
            BlockPool blocks = new BlockPool(16);
            float[] want = alone(p, cache, blocks);
            // Chunks of 7, 9 (ends exactly on a boundary), 1, 15, then one token at a time.
            int[] chunks = {7, 9, 1, 15, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
            BlockTable t = new BlockTable();
            int pos = 0;
            ForwardBatch b = new ForwardBatch();
            for (int c : chunks) {
                t.ensureCapacity(pos + c, blocks);
                b.clear();
                b.add(p, pos, c, pos, t.array(), ForwardBatch.Logits.ALL);
                float[] got = model.forward(b, cache);
                assertThat(Arrays.copyOf(got, c * v)).as("chunk at %d", pos)
                        .isEqualTo(Arrays.copyOfRange(want, pos * v, (pos + c) * v));
                pos += c;
            }
            assertThat(pos).isEqualTo(p.length);
            assertThat(t.size()).isEqualTo(4);
            t.releaseAll(blocks);
        }
    }

    @Test
    void blocksAnywhereInTheCacheGiveTheSameResult() {
        int[] p = prompt(40, 21);
        try (KvCache cache = new KvCache(model.kvLayout(), 32)) {
            BlockPool blocks = new BlockPool(32);
            float[] want = alone(p, cache, blocks);
            // Take every other block so this sequence's table is scattered and not in order.
            int[] taken = new int[20];
            for (int i = 0; i < taken.length; i++) {
                taken[i] = blocks.allocate();
            }
            BlockTable t = new BlockTable();
            t.add(taken[17]);
            t.add(taken[3]);
            t.add(taken[11]);
            ForwardBatch b = new ForwardBatch();
            b.add(p, 0, p.length, 0, t.array(), ForwardBatch.Logits.ALL);
            assertThat(Arrays.copyOf(model.forward(b, cache), want.length)).isEqualTo(want);
            for (int id : taken) {
                blocks.release(id);
            }
            assertThat(blocks.freeCount()).isEqualTo(32);
        }
    }

    @Test
    void onlyRequestedLogitsAreComputed() {
        int v = model.vocabSize();
        int[] p = prompt(20, 5);
        try (KvCache cache = new KvCache(model.kvLayout(), 8)) {
            BlockPool blocks = new BlockPool(8);
            float[] all = alone(p, cache, blocks);
            BlockTable t = new BlockTable();
            t.ensureCapacity(20, blocks);
            ForwardBatch b = new ForwardBatch();
            assertThat(b.add(p, 0, 20, 0, t.array(), ForwardBatch.Logits.LAST)).isZero();
            assertThat(b.numLogits()).isEqualTo(1);
            float[] got = model.forward(b, cache);
            assertThat(Arrays.copyOf(got, v)).isEqualTo(Arrays.copyOfRange(all, 19 * v, 20 * v));
            t.releaseAll(blocks);
        }
    }

    @Test
    void q8ModelStaysCloseToTheFloatModel() throws Exception {
        ModelConfig cfg = RandomModels.shape("tiny");
        try (CausalLM f32 = ModelRegistry.load(cfg, RandomModels.weights(cfg, DType.BF16, 3), LoadOptions.of(pool));
             CausalLM q8 = ModelRegistry.load(cfg, RandomModels.weights(cfg, DType.BF16, 3),
                     new LoadOptions(pool, DType.Q8_0));
             KvCache cache = new KvCache(f32.kvLayout(), 8)) {
            assertThat(q8.weightBytesPerStep()).isLessThan(f32.weightBytesPerStep() * 6 / 10);
            BlockPool blocks = new BlockPool(8);
            int[] p = prompt(12, 77);
            BlockTable t = new BlockTable();
            t.ensureCapacity(12, blocks);
            ForwardBatch b = new ForwardBatch();
            b.add(p, 0, 12, 0, t.array(), ForwardBatch.Logits.ALL);
            float[] a = f32.forward(b, cache).clone();
            float[] q0 = q8.forward(b, cache).clone();
            // Quantised weights live in automatic arenas: a collection must not free them under the kernels.
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            float[] q = q8.forward(b, cache);
            assertThat(java.util.Arrays.copyOf(q, q0.length)).isEqualTo(q0);
            double maxDiff = 0;
            double maxAbs = 0;
            for (int i = 0; i < 12 * f32.vocabSize(); i++) {
                maxDiff = Math.max(maxDiff, Math.abs(a[i] - q[i]));
                maxAbs = Math.max(maxAbs, Math.abs(a[i]));
            }
            assertThat(maxDiff).isGreaterThan(0).isLessThan(0.05 * maxAbs);
        }
    }
}
