package dev.jnim.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.tensor.Rope;
import java.nio.file.Path;

/**
 * The fields of a Llama-family decoder (Llama, Qwen2, SmolLM2 and the text half of VLMs) as HF
 * {@code LlamaConfig} / {@code Qwen2Config} define them, with their defaults.
 */
public record DecoderConfig(
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int vocabSize,
        float rmsNormEps,
        double ropeTheta,
        Rope.Scaling ropeScaling,
        boolean tieWordEmbeddings,
        boolean qkvBias,
        boolean oBias,
        boolean mlpBias,
        int maxPositionEmbeddings,
        String hiddenAct,
        int[] mropeSection) {

    /**
     * Parses a decoder config from {@code node} ({@code config.json} itself or a VLM's {@code text_config}).
     * {@code qkvBiasAlways} is Qwen2's rule: q/k/v carry a bias whatever {@code attention_bias} says.
     */
    public static DecoderConfig parse(JsonNode node, Path source, boolean qkvBiasAlways) {
        int hidden = ModelConfig.requireInt(node, "hidden_size", source);
        int heads = ModelConfig.requireInt(node, "num_attention_heads", source);
        int kvHeads = ModelConfig.optInt(node, "num_key_value_heads", heads);
        int headDim = ModelConfig.optInt(node, "head_dim", hidden / heads);
        if (heads % kvHeads != 0) {
            throw new ModelException(source + ": num_attention_heads (" + heads
                    + ") must be a multiple of num_key_value_heads (" + kvHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new ModelException(source + ": head_dim must be even for rotary embeddings, got " + headDim);
        }
        String act = node.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new ModelException(source + ": hidden_act '" + act + "' is not supported (supported: silu)");
        }
        boolean attentionBias = ModelConfig.optBool(node, "attention_bias", false);
        return new DecoderConfig(
                hidden,
                ModelConfig.requireInt(node, "intermediate_size", source),
                ModelConfig.requireInt(node, "num_hidden_layers", source),
                heads,
                kvHeads,
                headDim,
                ModelConfig.requireInt(node, "vocab_size", source),
                (float) ModelConfig.optDouble(node, "rms_norm_eps", 1e-6),
                ModelConfig.optDouble(node, "rope_theta", 10000.0),
                ModelConfig.ropeScaling(node),
                ModelConfig.optBool(node, "tie_word_embeddings", false),
                qkvBiasAlways || attentionBias,
                attentionBias && !qkvBiasAlways,
                ModelConfig.optBool(node, "mlp_bias", false),
                ModelConfig.optInt(node, "max_position_embeddings", 2048),
                act,
                mropeSection(node, source, headDim));
    }

    /** {@code rope_scaling.mrope_section} (Qwen2-VL), checked to cover head_dim/2; null without it. */
    private static int[] mropeSection(JsonNode node, Path source, int headDim) {
        JsonNode sec = node.path("rope_scaling").path("mrope_section");
        if (!sec.isArray()) {
            return null;
        }
        int[] s = new int[sec.size()];
        int sum = 0;
        for (int i = 0; i < s.length; i++) {
            s[i] = sec.get(i).asInt();
            sum += s[i];
        }
        if (s.length != 3 || sum != headDim / 2) {
            throw new ModelException(source + ": rope_scaling.mrope_section " + sec + " must have 3 parts summing to "
                    + "head_dim/2 = " + headDim / 2);
        }
        return s;
    }

    public int qDim() {
        return numHeads * headDim;
    }

    public int kvDim() {
        return numKvHeads * headDim;
    }
}
