package dev.jnim.server;

import dev.jnim.engine.Engine;
import dev.jnim.engine.EngineConfig;
import dev.jnim.engine.EngineEvent;
import dev.jnim.engine.GenerationRequest;
import dev.jnim.engine.RequestHandle;
import dev.jnim.engine.SamplingParams;
import dev.jnim.engine.ServingLimits;
import dev.jnim.kv.ImageKvCache;
import dev.jnim.kv.KvCache;
import dev.jnim.model.CausalLM;
import dev.jnim.model.CrossAttentionModel;
import dev.jnim.model.LoadOptions;
import dev.jnim.model.ModelConfig;
import dev.jnim.model.ModelRegistry;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tokenizer.ChatTemplate;
import dev.jnim.tokenizer.ChatTemplateException;
import dev.jnim.tokenizer.LoadedTokenizer;
import dev.jnim.tokenizer.TokenizerLoader;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model being served: weights, tokenizer, chat template, KV cache and the engine that runs
 * them, with the names it answers to. Built once at startup by {@link #load}; read-only after.
 *
 * @param names        served names; the first is reported in responses
 * @param imageCache   the image KV pool of a cross-attention model (Llama 3.2 Vision); null otherwise
 * @param chatTemplate null when the tokenizer config has none (chat requests then get 400 with
 *                     {@code templateError})
 */
public record ServedModel(List<String> names, CausalLM model, LoadedTokenizer tokenizer, ChatTemplate chatTemplate,
                          String templateError, ServingLimits limits, Engine engine, KvCache cache,
                          ComputePool pool, ImagePipeline images, ImageKvCache imageCache) implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServedModel.class);

    /** Loads the model directory of {@code o}, derives and logs the limits, and starts the engine. */
    public static ServedModel load(ServerOptions o) {
        long t0 = System.nanoTime();
        ModelConfig config = ModelConfig.load(o.modelDir());
        ComputePool pool = o.computeThreads() > 0 ? new ComputePool(o.computeThreads())
                : ComputePool.forAvailableProcessors();
        CausalLM model = null;
        LoadedTokenizer tok = null;
        ImageKvCache imageCache = null;
        try {
            model = ModelRegistry.load(config, dev.jnim.weights.Checkpoints.open(o.modelDir()),
                    new LoadOptions(pool, o.quantizeQ8() ? dev.jnim.tensor.DType.Q8_0 : null));
            tok = TokenizerLoader.load(o.modelDir(), o.tokenizerMode());
            // Llama 3.2 Vision's <|image|> (id == vocab_size) is an input-only embedding row with no logit.
            int inputIds = model instanceof CrossAttentionModel c ? Math.max(model.vocabSize(), c.imageTokenId() + 1)
                    : model.vocabSize();
            if (tok.tokenizer().vocabSize() > inputIds) {
                throw new IllegalStateException(o.modelDir() + ": the tokenizer has " + tok.tokenizer().vocabSize()
                        + " ids but the model's vocab_size is " + model.vocabSize());
            }
            CrossAttentionModel cross = model instanceof CrossAttentionModel c ? c : null;
            ServingLimits limits = ServingLimits.derive(model.decoder(), model.kvLayout(),
                    cross == null ? null : cross.imageKvLayout(), model.weightBytesPerStep(),
                    o.availableMemory(), o.kvCachePercent(), o.maxModelLen(), o.allowLongMaxModelLen(), o.maxNumSeqs(),
                    o.maxBatchedTokens().orElse(EngineConfig.DEFAULT_MAX_BATCHED_TOKENS),
                    o.encoderKvRatioTargetSeqLen());
            limits.log();
            KvCache cache = new KvCache(model.kvLayout(), limits.kv().blocks());
            imageCache = cross == null ? null : new ImageKvCache(cross.imageKvLayout(), limits.split().imageSlots());
            EngineConfig ec = EngineConfig.defaults(limits.maxModelLen(), limits.maxNumSeqs())
                    .withMaxBatchedTokens(limits.maxBatchedTokens()).withPrefixCaching(o.kvCacheReuse())
                    .withMaxWaiting(o.maxWaiting()).withEncoderBatchingMs((int) o.encoderBatching().toMillis());
            Engine engine = new Engine(model, cache, imageCache, ec, tok.tokenizer(),
                    new HashSet<>(tok.tokenizer().specialTokens().eosIds()));
            ChatTemplate template = null;
            String templateError = null;
            try {
                template = ChatTemplate.fromConfig(tok.config(), null, false);
            } catch (ChatTemplateException e) {
                templateError = e.getMessage();
                log.warn("chat completions are unavailable: {}", e.getMessage());
            }
            List<String> names = o.servedModelNames().isEmpty()
                    ? List.of(o.modelDir().toAbsolutePath().normalize().getFileName().toString())
                    : o.servedModelNames();
            log.info("Loaded {} ({}) as {} in {} ms", o.modelDir(), config.architecture(), names,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            ImagePipeline images = null;
            if ((model instanceof dev.jnim.model.VisionLanguageModel || cross != null)
                    && java.nio.file.Files.isRegularFile(o.modelDir().resolve("preprocessor_config.json"))) {
                var media = o.media();
                images = new ImagePipeline(
                        new dev.jnim.vision.ImageFetcher(media.maxImageBytes(), media.fetchTimeout(), media.allowedDomains(),
                                media.allowedLocalPath().orElse(null)),
                        new dev.jnim.vision.ImageDecoder(new dev.jnim.vision.ImageLimits(media.maxImageBytes(),
                                media.maxImagePixels())),
                        dev.jnim.vision.preprocess.VisionPreprocessor.fromModelDir(o.modelDir()),
                        media.maxImagesPerPrompt().orElse(0));
            }
            return new ServedModel(names, model, tok, template, templateError, limits, engine, cache, pool, images,
                    imageCache);
        } catch (RuntimeException | Error e) {
            if (tok != null) {
                tok.close();
            }
            if (imageCache != null) {
                imageCache.close();
            }
            if (model != null) {
                model.close();
            }
            pool.close();
            throw e;
        }
    }

    /** The name reported in responses. */
    public String primaryName() {
        return names.getFirst();
    }

    /**
     * Runs one short greedy generation so the first user request does not pay for JIT warm-up and
     * first-touch page faults.
     */
    public void warmUp() throws InterruptedException {
        long t0 = System.nanoTime();
        int[] prompt = tokenizer.tokenizer().encode("Hello", true);
        if (prompt.length == 0) {
            prompt = new int[] {0};
        }
        int max = Math.max(1, Math.min(4, limits.maxModelLen() - prompt.length));
        RequestHandle h = engine.submit(GenerationRequest.of("warmup", prompt, SamplingParams.GREEDY, max)
                .withIgnoreEos(true));
        while (true) {
            EngineEvent e = h.next(60, TimeUnit.SECONDS);
            if (e == null) {
                h.cancel();
                throw new IllegalStateException("warm-up generation did not finish within 60 s");
            }
            if (e instanceof EngineEvent.Finished f) {
                if (f.error() != null) {
                    throw new IllegalStateException("warm-up generation failed: " + f.error());
                }
                break;
            }
        }
        log.info("Warm-up done in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** Stops the engine (after {@code grace} for running requests) and frees everything. */
    public void shutdown(Duration grace) {
        engine.shutdown(grace);
        cache.close();
        if (imageCache != null) {
            imageCache.close();
        }
        tokenizer.close();
        model.close();
        pool.close();
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
