package dev.jnim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.kv.ImageKvCache;
import dev.jnim.kv.KvCache;
import dev.jnim.kv.KvLayout;
import dev.jnim.kv.KvSplit;
import dev.jnim.model.CrossAttentionModel;
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
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Llama 3.2 Vision on the engine with a tiny random model: the text and image KV pools split by
 * {@code NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN} as the seed's worked example, admission that waits for both
 * pools, the same output whatever the pools made a request wait for, and every block and slot back at the end.
 */
class EngineCrossAttentionTest {

    // One self-attention and one cross-attention layer with the same KV shape: a text token and a vision token
    // cost the same bytes, as the "tokens of memory" of the seed's example. 16 tiles of 3×3 patches + class
    // token = 160 vision tokens per image; a request is 40 prompt + 200 output = 240 text tokens (= 1.5 images),
    // and the memory holds 1,600 tokens (= 10 images): the seed's 1k / 1.5k / 10k example at a tenth of the scale.
    private static final String CONFIG = """
            {"architectures":["MllamaForConditionalGeneration"],"image_token_index":300,
             "text_config":{"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"cross_attention_layers":[1],
              "num_attention_heads":4,"num_key_value_heads":2,"vocab_size":300,"max_position_embeddings":1024},
             "vision_config":{"hidden_size":16,"intermediate_size":32,"num_hidden_layers":2,"num_global_layers":1,
              "attention_heads":2,"image_size":6,"patch_size":2,"max_num_tiles":16,"intermediate_layers_indices":[1],
              "vision_output_dim":32}}""";
    private static final int IMAGE = 300;
    private static final int PROMPT = 40;
    private static final int OUTPUT = 200;

    private static ComputePool pool;
    private static CrossAttentionModel model;
    private final List<Engine> engines = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        pool = new ComputePool(2);
        ModelConfig cfg = ModelConfig.of(Path.of("random:mllama-test"), new ObjectMapper().readTree(CONFIG));
        model = (CrossAttentionModel) ModelRegistry.load(cfg, RandomModels.weights(cfg, DType.F32, 11),
                LoadOptions.of(pool));
    }

    @AfterAll
    static void unload() {
        model.close();
        pool.close();
    }

    @AfterEach
    void everyBlockAndImageSlotIsBack() throws InterruptedException {
        for (Engine e : engines) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((!e.idle() || e.stats().kvUsedBlocks() != 0 || e.stats().imageUsedSlots() != 0)
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(e.stats().kvUsedBlocks()).as("text blocks held after the test").isZero();
            assertThat(e.stats().imageUsedSlots()).as("image slots held after the test").isZero();
            e.close();
        }
    }

    private Engine engine(KvSplit split, EngineConfig cfg) {
        Engine e = new Engine(model, new KvCache(model.kvLayout(), split.text().blocks()),
                new ImageKvCache(model.imageKvLayout(), split.imageSlots()), cfg, null, Set.of());
        engines.add(e);
        return e;
    }

    private static EngineConfig config() {
        return EngineConfig.defaults(1024, 64);
    }

    /** The seed's example memory: 10 images' worth of tokens, where text and vision tokens cost the same. */
    private static long memory() {
        assertThat(model.kvLayout().bytesPerToken()).isEqualTo(model.imageKvLayout().bytesPerToken());
        assertThat(model.imageKvLayout().tokensPerImage()).isEqualTo(160);
        return 10L * 160 * model.kvLayout().bytesPerToken();
    }

    private static ImageInput image(long seed, int numTiles) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] px = new float[16 * 3 * 6 * 6];
        for (int i = 0; i < numTiles * 3 * 36; i++) {
            px[i] = (float) r.nextGaussian();
        }
        int aspect = numTiles == 1 ? 1 : 2; // (1,1) or (1,2) in the default aspect-ratio list
        return ImageInput.tiled(px, 16, aspect, numTiles, seed);
    }

    private static GenerationRequest request(int i, boolean withImage) {
        SplittableRandom r = new SplittableRandom(100 + i);
        int[] p = new int[PROMPT];
        for (int k = 0; k < PROMPT; k++) {
            p[k] = r.nextInt(299);
        }
        if (withImage) {
            p[5] = IMAGE; // text before the image takes the masked-row path, text after it sees the image
        }
        SamplingParams sp = i % 2 == 0 ? SamplingParams.GREEDY : SamplingParams.temperature(0.8, 7L + i);
        GenerationRequest g = GenerationRequest.of("m" + i, p, sp, OUTPUT).withIgnoreEos(true);
        return withImage ? g.withImages(List.of(image(i, 1 + i % 2))) : g;
    }

    private static List<int[]> run(Engine e, List<GenerationRequest> reqs) throws InterruptedException {
        List<RequestHandle> hs = new ArrayList<>();
        for (GenerationRequest r : reqs) {
            hs.add(e.submit(r));
        }
        List<int[]> out = new ArrayList<>();
        for (RequestHandle h : hs) {
            EngineTest.Result res = EngineTest.collect(h);
            assertThat(res.finished().error()).isNull();
            out.add(res.ids());
        }
        return out;
    }

    @Test
    void theSeedsWorkedExampleTwentyPercentAdmitsTwoFortyPercentAdmitsFour() throws InterruptedException {
        long m = memory();
        // The balanced share for 1.5 images of text per request is the seed's 40%.
        KvSplit balanced = KvSplit.compute(model.kvLayout(), model.imageKvLayout(), m, 1.0, 256,
                OptionalDouble.of(PROMPT + OUTPUT));
        assertThat(balanced.imageFraction()).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(balanced.text().tokens()).isEqualTo(960);   // 6k of the seed's 10k
        assertThat(balanced.imagePoolTokens()).isEqualTo(640); // 4k
        KvSplit twenty = KvSplit.fromFraction(model.kvLayout(), model.imageKvLayout(), m, 0.2, PROMPT + OUTPUT, true,
                256);
        assertThat(twenty.text().tokens()).isEqualTo(1280);    // 8k
        assertThat(twenty.imageSlots()).isEqualTo(2);          // 2k

        List<GenerationRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            reqs.add(request(i, true));
        }
        Engine e20 = engine(twenty, config());
        List<int[]> out20 = run(e20, reqs);
        EngineTest.awaitIdle(e20);
        assertThat(e20.stats().peakRunning()).as("bottlenecked by the image pool").isEqualTo(2);
        assertThat(e20.stats().preemptions()).isZero();

        Engine e40 = engine(balanced, config());
        List<int[]> out40 = run(e40, reqs);
        EngineTest.awaitIdle(e40);
        assertThat(e40.stats().peakRunning()).as("both pools full at 4 requests").isEqualTo(4);
        assertThat(e40.stats().preemptions()).as("the text pool holds 4 whole requests").isZero();
        assertThat(e40.stats().imagesEncoded()).isEqualTo(6);
        assertThat(e40.stats().encoderBatches()).as("the images admitted together share a vision-model run")
                .isLessThan(6);
        for (int i = 0; i < reqs.size(); i++) {
            assertThat(out40.get(i)).as("request %d", i).isEqualTo(out20.get(i));
        }
    }

    @Test
    void requestsWaitForImageSlotsAndGiveTheSameOutputTextOnlyOnesDoNotWait() throws InterruptedException {
        List<GenerationRequest> reqs = List.of(request(0, true), request(1, true), request(2, false),
                request(3, true), request(4, false));
        KvSplit roomy = KvSplit.fromFraction(model.kvLayout(), model.imageKvLayout(), 40 * memory(), 0.5, 240, true,
                1024);
        List<int[]> alone = new ArrayList<>();
        Engine big = engine(roomy, config());
        for (GenerationRequest r : reqs) {
            alone.add(run(big, List.of(r)).getFirst());
        }
        // One image slot and a tight text pool: image requests run one at a time, preemptions happen (and give the
        // image slot back: the preempted request takes a slot again, and rewrites its image states, when it resumes).
        KvSplit oneImage = KvSplit.fromFraction(model.kvLayout(), model.imageKvLayout(), memory() * 2 / 5, 0.1, 240,
                true, 256);
        assertThat(oneImage.imageSlots()).isEqualTo(1);
        assertThat(oneImage.text().blocks()).isEqualTo(36); // two whole requests and a bit: the third is preempted
        Engine tight = engine(oneImage, config());
        List<RequestHandle> hs = new ArrayList<>();
        for (GenerationRequest r : reqs) {
            hs.add(tight.submit(r));
        }
        int sawWaitingOnImages = 0;
        int maxImagesHeld = 0;
        while (!tight.idle()) {
            sawWaitingOnImages = Math.max(sawWaitingOnImages, tight.stats().waitingOnImages());
            maxImagesHeld = Math.max(maxImagesHeld, tight.stats().imageUsedSlots());
            Thread.sleep(1);
        }
        for (int i = 0; i < reqs.size(); i++) {
            EngineTest.Result r = EngineTest.collect(hs.get(i));
            assertThat(r.finished().error()).isNull();
            assertThat(r.ids()).as("request %d", i).isEqualTo(alone.get(i));
        }
        assertThat(sawWaitingOnImages).as("image requests waited for the one slot").isGreaterThan(0);
        assertThat(maxImagesHeld).isEqualTo(1);
        assertThat(tight.stats().peakRunning()).as("text-only requests ran beside the image one").isGreaterThan(1);
        assertThat(tight.stats().preemptions()).as("preempted requests, images included, resumed").isPositive();
    }

    @Test
    void cancelledRunningAndWaitingRequestsGiveBackEveryBlockAndSlot() throws InterruptedException {
        KvSplit split = KvSplit.fromFraction(model.kvLayout(), model.imageKvLayout(), memory(), 0.2, 240, true, 1024);
        Engine e = engine(split, config());
        List<RequestHandle> hs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            hs.add(e.submit(request(i, i != 2)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (e.stats().imageUsedSlots() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(e.stats().imageUsedSlots()).isEqualTo(2);
        assertThat(e.stats().imageTotalSlots()).isEqualTo(2);
        for (RequestHandle h : hs) {
            h.cancel(); // two running with images, one text-only, two waiting for image slots
        }
        for (RequestHandle h : hs) {
            assertThat(EngineTest.collect(h).finished().reason()).isIn(FinishReason.ABORT, FinishReason.LENGTH);
        }
        EngineTest.awaitIdle(e);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((e.stats().imageUsedSlots() != 0 || e.stats().kvUsedBlocks() != 0) && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(e.stats().imageUsedSlots()).isZero();
        assertThat(e.stats().kvUsedBlocks()).isZero();
        // and the engine still serves
        assertThat(run(e, List.of(request(7, true)))).hasSize(1);
    }

    @Test
    void theGoldenCaseGivesTheReferenceTokensThroughTheEngine() throws Exception {
        Path dir = Path.of(getClass().getResource("/golden/mllama-tiles-crossattn").toURI());
        long[] expected = Npy.read(dir.resolve("expected/greedy_ids.npy")).longs();
        int[] prompt = Arrays.stream(Npy.read(dir.resolve("inputs/input_ids.npy")).longs()).mapToInt(l -> (int) l)
                .toArray();
        Npy px = Npy.read(dir.resolve("inputs/pixel_values.npy"));
        int ratio = (int) Npy.read(dir.resolve("inputs/aspect_ratio_ids.npy")).longs()[0];
        int tiles = (int) Arrays.stream(Npy.read(dir.resolve("inputs/aspect_ratio_mask.npy")).longs()).sum();
        try (CrossAttentionModel golden = (CrossAttentionModel) ModelRegistry.load(ModelConfig.load(dir),
                SafetensorsFile.open(dir.resolve("model.safetensors")), LoadOptions.of(pool));
             Engine e = new Engine(golden, new KvCache(golden.kvLayout(), 32),
                     new ImageKvCache(golden.imageKvLayout(), 2),
                     EngineConfig.defaults(1024, 8).withPrefixCaching(true).withMaxBatchedTokens(24), null, Set.of())) {
            GenerationRequest r = GenerationRequest.of("img", prompt, SamplingParams.GREEDY, expected.length)
                    .withIgnoreEos(true).withImages(List.of(ImageInput.tiled(px.floats(), 4, ratio, tiles, 42)));
            int[] want = Arrays.stream(expected).mapToInt(l -> (int) l).toArray();
            // Chunked prefill (24 tokens per step): the image token and the masked rows before it span steps.
            assertThat(EngineTest.collect(e.submit(r)).ids()).isEqualTo(want);
            EngineTest.Result again = EngineTest.collect(e.submit(r));
            assertThat(again.ids()).isEqualTo(want);
            assertThat(again.finished().usage().cachedTokens()).isPositive();
            // Another image (same pixels, other content hash): text before the image attends to the vision
            // tokens too (masked-row path), so not even the first block may come from the cache.
            EngineTest.Result other = EngineTest.collect(e.submit(r.withImages(
                    List.of(ImageInput.tiled(px.floats(), 4, ratio, tiles, 7)))));
            assertThat(other.ids()).isEqualTo(want);
            assertThat(other.finished().usage().cachedTokens()).isZero();
            // Text only: the cross-attention layers are skipped, and the output differs.
            EngineTest.Result text = EngineTest.collect(e.submit(GenerationRequest.of("t",
                    Arrays.stream(prompt).filter(t -> t != golden.imageTokenId()).toArray(), SamplingParams.GREEDY,
                    expected.length).withIgnoreEos(true)));
            assertThat(text.ids()).isNotEqualTo(want);
            EngineTest.awaitIdle(e);
            assertThat(e.stats().imagesEncoded()).isEqualTo(2);
            assertThat(e.stats().encoderCacheHits()).isEqualTo(1);
            assertThat(e.stats().kvUsedBlocks()).isZero();
            assertThat(e.stats().imageUsedSlots()).isZero();
        }
    }

    @Test
    void q8WeightsRunTheCrossAttentionLayersToo() throws Exception {
        Path dir = Path.of(getClass().getResource("/golden/mllama-tiles-crossattn").toURI());
        int[] prompt = Arrays.stream(Npy.read(dir.resolve("inputs/input_ids.npy")).longs()).mapToInt(l -> (int) l)
                .toArray();
        Npy px = Npy.read(dir.resolve("inputs/pixel_values.npy"));
        try (CrossAttentionModel q8 = (CrossAttentionModel) ModelRegistry.load(ModelConfig.load(dir),
                SafetensorsFile.open(dir.resolve("model.safetensors")), new LoadOptions(pool, DType.Q8_0));
             Engine e = new Engine(q8, new KvCache(q8.kvLayout(), 16), new ImageKvCache(q8.imageKvLayout(), 1),
                     EngineConfig.defaults(1024, 4), null, Set.of())) {
            EngineTest.Result r = EngineTest.collect(e.submit(GenerationRequest.of("q", prompt, SamplingParams.GREEDY, 8)
                    .withIgnoreEos(true).withImages(List.of(ImageInput.tiled(px.floats(), 4, 3, 3, 1)))));
            assertThat(r.finished().error()).isNull();
            assertThat(r.ids()).hasSize(8);
            try (var f32 = ModelRegistry.load(ModelConfig.load(dir), SafetensorsFile.open(dir.resolve("model.safetensors")),
                    LoadOptions.of(pool))) {
                assertThat(q8.weightBytesPerStep()).isLessThan(f32.weightBytesPerStep());
            }
        }
    }

    @Test
    void requestsThatCanNeverRunAreRefusedAtOnce() {
        KvSplit split = KvSplit.fromFraction(model.kvLayout(), model.imageKvLayout(), memory(), 0.1, 240, true, 1024);
        Engine e = engine(split, config());
        GenerationRequest two = GenerationRequest.of("x", new int[] {IMAGE, IMAGE, 1, 2}, SamplingParams.GREEDY, 4)
                .withImages(List.of(image(1, 1), image(2, 1)));
        assertThatThrownBy(() -> e.submit(two)).isInstanceOf(RequestRejectedException.class)
                .hasMessageContaining("image KV pool holds 1");
        GenerationRequest missing = GenerationRequest.of("y", new int[] {IMAGE, 1, 2}, SamplingParams.GREEDY, 4);
        assertThatThrownBy(() -> e.submit(missing)).isInstanceOf(RequestRejectedException.class)
                .hasMessageContaining("1 image token(s) but 0 image(s)");
        GenerationRequest wrongSize = GenerationRequest.of("z", new int[] {IMAGE, 1, 2}, SamplingParams.GREEDY, 4)
                .withImages(List.of(ImageInput.tiled(new float[10], 16, 1, 1, 3)));
        assertThatThrownBy(() -> e.submit(wrongSize)).isInstanceOf(RequestRejectedException.class)
                .hasMessageContaining("pixel values");
    }

    @Test
    void theSplitRefusesATargetTooLowForOneFullSequenceNamingTheVariable() {
        long m = memory();
        // 1,024-token sequences need 1,024 of the 1,600 tokens: L must give the text pool at least that share.
        assertThatThrownBy(() -> KvSplit.compute(model.kvLayout(), model.imageKvLayout(), m, 1.0, 1024,
                OptionalDouble.of(100))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN=100 is too low")
                .hasMessageContaining("NIM_MAX_MODEL_LEN=1024");
        assertThatThrownBy(() -> KvSplit.compute(model.kvLayout(), model.imageKvLayout(), m, 1.0, 256,
                OptionalDouble.of(1e9))).hasMessageContaining("is too high");
        // Unset: 1,024 tokens (at most NIM_MAX_MODEL_LEN), raised so that one full sequence fits.
        KvSplit dflt = KvSplit.compute(model.kvLayout(), model.imageKvLayout(), m, 1.0, 256, OptionalDouble.empty());
        assertThat(dflt.targetLen()).isEqualTo(256);
        assertThat(dflt.targetSet()).isFalse();
        KvSplit raised = KvSplit.compute(model.kvLayout(), model.imageKvLayout(), m, 1.0, 1024, OptionalDouble.empty());
        assertThat(raised.text().tokens()).isGreaterThanOrEqualTo(1024);
        assertThat(raised.imageSlots()).isGreaterThanOrEqualTo(1);
        assertThat(KvLayout.BLOCK_SIZE).isEqualTo(16);
    }
}
