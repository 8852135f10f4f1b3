package dev.jnim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnim.kv.KvCache;
import dev.jnim.model.CausalLM;
import dev.jnim.model.ImageInput;
import dev.jnim.model.LoadOptions;
import dev.jnim.model.ModelConfig;
import dev.jnim.model.ModelRegistry;
import dev.jnim.model.RandomModels;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.DType;
import dev.jnim.tensor.Npy;
import dev.jnim.weights.SafetensorsFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests with images through the engine give the reference's greedy tokens (the golden VLM
 * cases), the encoder cache answers a repeated image, and prefix caching never mixes images.
 */
class EngineImageTest {

    private static ComputePool pool;

    @BeforeAll
    static void start() {
        pool = new ComputePool(2);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    private static Path golden(String name) throws Exception {
        return Path.of(EngineImageTest.class.getResource("/golden/" + name).toURI());
    }

    private static int[] ids(Path dir) throws Exception {
        return Arrays.stream(Npy.read(dir.resolve("inputs/input_ids.npy")).longs()).mapToInt(l -> (int) l).toArray();
    }

    private static ImageInput image(Path dir, String name, long hash) throws Exception {
        Npy px = Npy.read(dir.resolve("inputs/pixel_values.npy"));
        int[] sh = px.shape();
        if (name.startsWith("qwen2vl")) {
            long[] g = Npy.read(dir.resolve("inputs/image_grid_thw.npy")).longs();
            return new ImageInput(px.floats(), 1, new int[] {(int) g[0], (int) g[1], (int) g[2]}, hash);
        }
        int per = sh[sh.length - 1] * sh[sh.length - 2] * sh[sh.length - 3];
        return new ImageInput(px.floats(), px.floats().length / per, null, hash);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llava-clip-mlp", "idefics3-split-tiles", "qwen2vl-mrope-dynres"})
    void greedyTokensMatchTheReference(String name) throws Exception {
        Path dir = golden(name);
        long[] expected = Npy.read(dir.resolve("expected/greedy_ids.npy")).longs();
        try (CausalLM model = ModelRegistry.load(ModelConfig.load(dir), SafetensorsFile.open(dir.resolve("model.safetensors")),
                LoadOptions.of(pool));
             Engine e = new Engine(model, new KvCache(model.kvLayout(), 64),
                     EngineConfig.defaults(1024, 8).withPrefixCaching(true).withMaxBatchedTokens(48), null, Set.of())) {
            GenerationRequest r = GenerationRequest.of("img", ids(dir), SamplingParams.GREEDY, expected.length)
                    .withIgnoreEos(true).withImages(List.of(image(dir, name, 42)));
            int[] want = Arrays.stream(expected).mapToInt(l -> (int) l).toArray();
            // Chunked prefill (48 tokens per step) splits the image tokens across steps.
            assertThat(EngineTest.collect(e.submit(r)).ids()).isEqualTo(want);
            EngineTest.Result again = EngineTest.collect(e.submit(r));
            assertThat(again.ids()).isEqualTo(want);
            EngineTest.awaitIdle(e);
            assertThat(e.stats().imagesEncoded()).isEqualTo(1);
            assertThat(e.stats().encoderCacheHits()).isEqualTo(1);
            assertThat(again.finished().usage().cachedTokens()).isPositive();
            // Same prompt, another image: the image blocks must not come from the cache.
            EngineTest.Result other = EngineTest.collect(e.submit(r.withImages(List.of(image(dir, name, 7)))));
            assertThat(other.ids()).isEqualTo(want); // same pixels, so the same output...
            int firstImageToken = 0;
            while (r.promptTokens()[firstImageToken] != ((dev.jnim.model.VisionLanguageModel) model).imageTokenId()) {
                firstImageToken++;
            }
            // ...but only the blocks before the first image token were reused.
            assertThat(other.finished().usage().cachedTokens()).isLessThanOrEqualTo(firstImageToken);
            EngineTest.awaitIdle(e);
            assertThat(e.stats().kvUsedBlocks()).isZero();
        }
    }

    @Test
    void imagesArrivingWithinTheBatchingWindowShareOneEncoderRun() throws Exception {
        Path dir = golden("llava-clip-mlp");
        try (CausalLM model = ModelRegistry.load(ModelConfig.load(dir), SafetensorsFile.open(dir.resolve("model.safetensors")),
                LoadOptions.of(pool));
             Engine e = new Engine(model, new KvCache(model.kvLayout(), 64),
                     EngineConfig.defaults(1024, 8).withEncoderBatchingMs(300), null, Set.of())) {
            List<RequestHandle> hs = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                hs.add(e.submit(GenerationRequest.of("w" + i, ids(dir), SamplingParams.GREEDY, 2).withIgnoreEos(true)
                        .withImages(List.of(image(dir, "llava", 100 + i)))));
                Thread.sleep(20);
            }
            for (RequestHandle h : hs) {
                assertThat(EngineTest.collect(h).ids()).hasSize(2);
            }
            EngineTest.awaitIdle(e);
            assertThat(e.stats().imagesEncoded()).isEqualTo(3);
            assertThat(e.stats().encoderBatches()).isEqualTo(1);
        }
    }

    @Test
    void imagesAreRefusedByTextModelsAndMismatchesFailCleanly() throws Exception {
        ModelConfig cfg = RandomModels.shape("tiny");
        try (CausalLM text = ModelRegistry.load(cfg, RandomModels.weights(cfg, DType.F32, 1), LoadOptions.of(pool));
             Engine e = new Engine(text, new KvCache(text.kvLayout(), 16), EngineConfig.defaults(256, 4), null, Set.of())) {
            GenerationRequest r = GenerationRequest.of("x", new int[] {1, 2, 3}, SamplingParams.GREEDY, 2)
                    .withImages(List.of(new ImageInput(new float[12], 1, null, 1)));
            assertThatThrownBy(() -> e.submit(r)).isInstanceOfSatisfying(RequestRejectedException.class,
                    ex -> assertThat(ex.status()).isEqualTo(400));
        }
        Path dir = golden("llava-clip-mlp");
        try (CausalLM model = ModelRegistry.load(ModelConfig.load(dir), SafetensorsFile.open(dir.resolve("model.safetensors")),
                LoadOptions.of(pool));
             Engine e = new Engine(model, new KvCache(model.kvLayout(), 16), EngineConfig.defaults(256, 4), null, Set.of())) {
            int[] all = ids(dir);
            int first = 0;
            while (all[first] != ((dev.jnim.model.VisionLanguageModel) model).imageTokenId()) {
                first++;
            }
            int[] prompt = Arrays.copyOf(all, first + 5); // cuts the image tokens short
            EngineTest.Result r = EngineTest.collect(e.submit(GenerationRequest.of("m", prompt, SamplingParams.GREEDY, 2)
                    .withImages(List.of(image(dir, "llava", 3)))));
            assertThat(r.finished().reason()).isEqualTo(FinishReason.ERROR);
            assertThat(r.finished().error()).contains("image tokens");
            EngineTest.awaitIdle(e);
            assertThat(e.stats().kvUsedBlocks()).isZero();
        }
    }
}
