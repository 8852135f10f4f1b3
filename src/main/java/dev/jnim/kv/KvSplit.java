package dev.jnim.kv;

import java.util.OptionalDouble;

/**
 * The split of the KV memory between the text pool (self-attention layers, paged) and the image pool
 * (cross-attention layers, one slot per image) of a cross-attention model, as NIM sizes it from
 * {@code NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN} (its "Advanced Performance Configuration"): with M the KV memory,
 * L the target text length of a request with an image and I the vision tokens of a maximum-size image, the
 * image share f makes both pools admit the same number of requests:
 * {@code (1 − f)·M / (L · textBytesPerToken) = f·M / (I · imageBytesPerToken)}, i.e.
 * {@code f = I·b_img / (I·b_img + L·b_txt)}.
 *
 * <p>Unset, L is {@link #DEFAULT_TARGET_LEN} tokens (at most {@code NIM_MAX_MODEL_LEN}): requests are usually far
 * shorter than the model's maximum, and sizing for the maximum (131,072 tokens for Llama 3.2 Vision) would leave
 * almost nothing to images; L is raised when needed so that the text pool holds one sequence of
 * {@code NIM_MAX_MODEL_LEN} tokens.
 *
 * @param budgetBytes   M: {@code NIM_KVCACHE_PERCENT} of the free memory
 * @param targetLen     L, in text tokens
 * @param targetSet     whether L came from {@code NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN}
 * @param imageFraction f
 * @param text          the text pool
 * @param imageSlots    images the image pool holds
 * @param imageLayout   the image pool's shape
 */
public record KvSplit(long budgetBytes, double targetLen, boolean targetSet, double imageFraction, KvSizing text,
                      int imageSlots, ImageKvLayout imageLayout) {

    /** Text tokens per image request assumed when {@code NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN} is unset. */
    public static final int DEFAULT_TARGET_LEN = 1024;

    static final String VAR = "NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN";

    /** The balanced image share for target length {@code L}. */
    public static double imageFraction(KvLayout text, ImageKvLayout image, double targetLen) {
        double img = (double) image.tokensPerImage() * image.bytesPerToken();
        return img / (img + targetLen * text.bytesPerToken());
    }

    /**
     * @param freeBytes    memory free for the KV pools (after weights and activation buffers)
     * @param percent      {@code NIM_KVCACHE_PERCENT}
     * @param maxModelLen  {@code NIM_MAX_MODEL_LEN}
     * @param target       {@code NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN} if set
     */
    public static KvSplit compute(KvLayout text, ImageKvLayout image, long freeBytes, double percent, int maxModelLen,
                                  OptionalDouble target) {
        if (!(percent > 0 && percent <= 1)) {
            throw new IllegalArgumentException("NIM_KVCACHE_PERCENT must be in (0, 1], got " + percent);
        }
        long budget = (long) (Math.max(0, freeBytes) * percent);
        int neededBlocks = (maxModelLen + KvLayout.BLOCK_SIZE - 1) / KvLayout.BLOCK_SIZE;
        long textNeed = neededBlocks * text.bytesPerBlock();
        long imageNeed = image.bytesPerImage();
        if (textNeed + imageNeed > budget) {
            throw new IllegalStateException(String.format(
                    "not enough memory for the KV cache: one sequence of NIM_MAX_MODEL_LEN=%d tokens (%.1f MiB of text "
                            + "KV) and one image (%.1f MiB of image KV) need %.1f MiB but NIM_KVCACHE_PERCENT=%s of the "
                            + "%.1f MiB free gives %.1f MiB; lower NIM_MAX_MODEL_LEN or raise NIM_KVCACHE_PERCENT (or give "
                            + "the process more memory)", maxModelLen, textNeed / 1048576.0, imageNeed / 1048576.0,
                    (textNeed + imageNeed) / 1048576.0, percent, freeBytes / 1048576.0, budget / 1048576.0));
        }
        // The smallest L whose text share holds one full sequence, and the largest whose image share holds one image.
        double imgPerReq = (double) image.tokensPerImage() * image.bytesPerToken();
        double r = (double) textNeed / budget;
        double minLen = r * imgPerReq / (text.bytesPerToken() * (1 - r));
        double s = (double) imageNeed / budget;
        double maxLen = (1 - s) * imgPerReq / (s * text.bytesPerToken());
        double len;
        if (target.isPresent()) {
            len = target.getAsDouble();
            if (len < minLen * (1 - 1e-9)) {
                throw new IllegalStateException(String.format(
                        "%s=%s is too low: the text KV pool would get %.1f%% of the %.1f MiB KV memory, less than one "
                                + "sequence of NIM_MAX_MODEL_LEN=%d tokens; set it to at least %d, or lower "
                                + "NIM_MAX_MODEL_LEN, or raise NIM_KVCACHE_PERCENT",
                        VAR, fmt(len), 100 * (1 - imageFraction(text, image, len)), budget / 1048576.0, maxModelLen,
                        (long) Math.ceil(minLen)));
            }
            if (len > maxLen * (1 + 1e-9)) {
                throw new IllegalStateException(String.format(
                        "%s=%s is too high: the image KV pool would get %.2f%% of the %.1f MiB KV memory, less than one "
                                + "image of %d vision tokens; set it to at most %d, or raise NIM_KVCACHE_PERCENT",
                        VAR, fmt(len), 100 * imageFraction(text, image, len), budget / 1048576.0,
                        image.tokensPerImage(), (long) Math.floor(maxLen)));
            }
        } else {
            len = Math.min(Math.max(Math.min(DEFAULT_TARGET_LEN, maxModelLen), Math.ceil(minLen)), Math.floor(maxLen));
        }
        double f = imageFraction(text, image, len);
        return fromFraction(text, image, budget, f, len, target.isPresent(), maxModelLen);
    }

    /**
     * The pools for an explicit image share {@code f} of {@code budget} bytes (what {@link #compute} does once
     * it has f; tests and benchmarks use it to reproduce a given split). Each pool gets at least what one
     * full-length sequence and one image need.
     */
    public static KvSplit fromFraction(KvLayout text, ImageKvLayout image, long budget, double f, double targetLen,
                                       boolean targetSet, int maxModelLen) {
        long imageBytes = Math.round(budget * f);
        int slots = (int) Math.min(Integer.MAX_VALUE - 1, imageBytes / image.bytesPerImage());
        long blocks = Math.min(Integer.MAX_VALUE - 1, (budget - imageBytes) / text.bytesPerBlock());
        int needed = (maxModelLen + KvLayout.BLOCK_SIZE - 1) / KvLayout.BLOCK_SIZE;
        slots = Math.max(1, slots);
        blocks = Math.max(needed, blocks);
        return new KvSplit(budget, targetLen, targetSet, f,
                new KvSizing((int) blocks, text.bytesPerBlock(), (double) blocks / needed), slots, image);
    }

    /** Image requests (one maximum-size image and L text tokens) each pool admits. */
    public double textPoolRequests() {
        return text.tokens() / targetLen;
    }

    public double imagePoolRequests() {
        return imageSlots;
    }

    public long imagePoolTokens() {
        return (long) imageSlots * imageLayout.tokensPerImage();
    }

    public long imagePoolBytes() {
        return imageSlots * imageLayout.bytesPerImage();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
