package dev.jnim.engine;

import dev.jnim.kv.ImageKvLayout;
import dev.jnim.kv.KvLayout;
import dev.jnim.kv.KvSplit;
import dev.jnim.kv.KvSizing;
import dev.jnim.model.DecoderConfig;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits a server starts with, derived as NIM / vLLM derive them: the model length
 * ({@code NIM_MAX_MODEL_LEN}, default the model's {@code max_position_embeddings}), the KV pool
 * ({@code NIM_KVCACHE_PERCENT} of the memory left after weights and activation buffers) and the
 * number of sequences run at once ({@code NIM_MAX_NUM_SEQS}).
 *
 * @param maxModelLen       longest prompt + output
 * @param kv                the KV pool
 * @param maxNumSeqs        sequences running at once
 * @param maxBatchedTokens  tokens per step
 * @param split             for a cross-attention model, the split between the text pool ({@code kv}) and the
 *                          image pool; null otherwise
 */
public record ServingLimits(int maxModelLen, KvSizing kv, int maxNumSeqs, int maxBatchedTokens, KvSplit split) {

    public ServingLimits(int maxModelLen, KvSizing kv, int maxNumSeqs, int maxBatchedTokens) {
        this(maxModelLen, kv, maxNumSeqs, maxBatchedTokens, null);
    }

    private static final Logger log = LoggerFactory.getLogger(ServingLimits.class);

    /** vLLM's default cap on concurrent sequences. */
    static final int MAX_DEFAULT_SEQS = 256;
    /** Sequence length the default concurrency is sized for (most requests are far below the model maximum). */
    static final int TYPICAL_LEN = 1024;

    /**
     * @param model             the decoder (its {@code max_position_embeddings} and buffer shapes)
     * @param layout            the KV layout
     * @param weightBytes       bytes of weights that will be resident
     * @param availableBytes    memory available to the process now (cgroup-aware)
     * @param kvPercent         {@code NIM_KVCACHE_PERCENT}
     * @param maxModelLen       {@code NIM_MAX_MODEL_LEN} if set
     * @param allowLongerModelLen accept a {@code NIM_MAX_MODEL_LEN} above the model's own limit
     * @param maxNumSeqs        {@code NIM_MAX_NUM_SEQS} if set
     * @param maxBatchedTokens  tokens per step
     */
    public static ServingLimits derive(DecoderConfig model, KvLayout layout, long weightBytes, long availableBytes,
                                       double kvPercent, OptionalInt maxModelLen, boolean allowLongerModelLen,
                                       OptionalInt maxNumSeqs, int maxBatchedTokens) {
        return derive(model, layout, null, weightBytes, availableBytes, kvPercent, maxModelLen, allowLongerModelLen,
                maxNumSeqs, maxBatchedTokens, OptionalDouble.empty());
    }

    /**
     * As {@link #derive(DecoderConfig, KvLayout, long, long, double, OptionalInt, boolean, OptionalInt, int)}; with
     * an {@code imageLayout} (a cross-attention model) the KV memory is split between the text and the image
     * pool by {@code NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN} ({@code targetLen}), see {@link KvSplit}.
     */
    public static ServingLimits derive(DecoderConfig model, KvLayout layout, ImageKvLayout imageLayout,
                                       long weightBytes, long availableBytes, double kvPercent,
                                       OptionalInt maxModelLen, boolean allowLongerModelLen, OptionalInt maxNumSeqs,
                                       int maxBatchedTokens, OptionalDouble targetLen) {
        int modelMax = model.maxPositionEmbeddings();
        int len = maxModelLen.orElse(modelMax);
        if (len < 1) {
            throw new IllegalArgumentException("NIM_MAX_MODEL_LEN must be positive, got " + len);
        }
        if (len > modelMax && !allowLongerModelLen) {
            throw new IllegalArgumentException("NIM_MAX_MODEL_LEN=" + len + " is above the model's maximum of "
                    + modelMax + " tokens (max_position_embeddings); lower it, or set "
                    + "NIM_ALLOW_LONG_MAX_MODEL_LEN=1 to run past what the model was trained for");
        }
        long activations = activationBytes(model, maxBatchedTokens);
        long free = availableBytes - weightBytes - activations;
        KvSplit split = imageLayout == null ? null
                : KvSplit.compute(layout, imageLayout, free, kvPercent, len, targetLen);
        KvSizing kv = split == null ? KvSizing.compute(layout, free, kvPercent, len) : split.text();
        int seqs = maxNumSeqs.orElseGet(() -> defaultMaxNumSeqs(kv, len));
        if (seqs < 1) {
            throw new IllegalArgumentException("NIM_MAX_NUM_SEQS must be at least 1, got " + seqs);
        }
        return new ServingLimits(len, kv, seqs, maxBatchedTokens, split);
    }

    /**
     * Sequences of {@code min(maxModelLen, 1024)} tokens that the pool holds, capped at 256: more
     * running sequences than the cache can hold would only be preempted.
     */
    static int defaultMaxNumSeqs(KvSizing kv, int maxModelLen) {
        int typicalBlocks = (Math.min(maxModelLen, TYPICAL_LEN) + KvLayout.BLOCK_SIZE - 1) / KvLayout.BLOCK_SIZE;
        return (int) Math.max(1, Math.min(MAX_DEFAULT_SEQS, kv.blocks() / typicalBlocks));
    }

    /** Activation buffers of one step of {@code tokens} tokens (float32), as the forward pass sizes them. */
    static long activationBytes(DecoderConfig c, int tokens) {
        long perToken = 3L * c.hiddenSize() + 2L * c.qDim() + 2L * c.kvDim() + 2L * c.intermediateSize();
        return 4L * (perToken * tokens + (long) tokens * c.vocabSize());
    }

    /** Logs the limits the way operators read them at startup. */
    public void log() {
        log.info("Maximum model length: {} tokens", maxModelLen);
        log.info("KV cache: {} blocks of {} tokens = {} tokens, {} MiB; max concurrency at {} tokens: {}x",
                kv.blocks(), KvLayout.BLOCK_SIZE, kv.tokens(), kv.bytes() >> 20, maxModelLen,
                String.format("%.2f", kv.maxConcurrency()));
        if (split != null) {
            log.info("KV memory split (NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN={}): M = {} MiB, image share f = {}%",
                    split.targetSet() ? String.format("%.0f", split.targetLen())
                            : "unset, using " + String.format("%.0f", split.targetLen()),
                    mib(split.budgetBytes()), String.format("%.1f", 100 * split.imageFraction()));
            log.info("Text KV pool: {} tokens ({} MiB), {} requests of {} tokens; image KV pool: {} tokens ({} MiB), "
                            + "{} images of {} tokens = {} requests with one image",
                    kv.tokens(), mib(kv.bytes()), String.format("%.1f", split.textPoolRequests()),
                    String.format("%.0f", split.targetLen()), split.imagePoolTokens(), mib(split.imagePoolBytes()),
                    split.imageSlots(), split.imageLayout().tokensPerImage(), split.imageSlots());
        }
        log.info("Maximum concurrent sequences (NIM_MAX_NUM_SEQS): {}; tokens per step: {}", maxNumSeqs,
                maxBatchedTokens);
    }

    private static String mib(long bytes) {
        return String.format("%.1f", bytes / 1048576.0);
    }
}
