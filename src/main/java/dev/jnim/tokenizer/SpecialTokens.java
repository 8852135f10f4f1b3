package dev.jnim.tokenizer;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The special tokens a server needs: BOS (and whether the model wants it added), every EOS id (models
 * may have several, e.g. Llama 3 {@code <|eot_id|>} and {@code <|end_of_text|>}), pad, unk, and the
 * image placeholder tokens present in the vocabulary (name → id), in the order of {@link #IMAGE_TOKEN_NAMES}.
 *
 * @param bosToken   string of BOS, or null
 * @param eosToken   string of the tokenizer config's EOS, or null
 * @param eosIds     every id that ends generation (generation_config.json, config.json, tokenizer config)
 * @param imageTokens image tokens present in the vocabulary
 */
public record SpecialTokens(String bosToken, OptionalInt bosId, boolean addBosToken,
                            String eosToken, List<Integer> eosIds,
                            String padToken, OptionalInt padId,
                            String unkToken, OptionalInt unkId,
                            Map<String, Integer> imageTokens) {

    /** Image-related tokens of the VLM families jnim knows (LLaVA, Qwen2-VL, Mllama, Idefics3/SmolVLM, Gemma 3). */
    public static final List<String> IMAGE_TOKEN_NAMES = List.of(
            "<image>", "<|image_pad|>", "<|image|>", "<fake_token_around_image>", "<global-img>",
            "<|vision_start|>", "<|vision_end|>", "<start_of_image>", "<end_of_image>",
            "<image_soft_token>", "<|video_pad|>");

    public SpecialTokens {
        eosIds = List.copyOf(eosIds);
        imageTokens = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(imageTokens));
    }

    /** True when {@code id} ends generation. */
    public boolean isEos(int id) {
        return eosIds.contains(id);
    }

    /** Id of image token {@code name}, if the vocabulary has it. */
    public OptionalInt imageToken(String name) {
        Integer id = imageTokens.get(name);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }
}
