package dev.jnim.vision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.tensor.Gelu;

/**
 * A ViT's {@code vision_config} (CLIP, SigLIP) with HF's defaults for the given family.
 *
 * @param family "clip" or "siglip": decides the defaults (activation, eps) and the embedding details
 */
public record VisionConfig(String family, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                           int patchSize, int imageSize, int numChannels, float layerNormEps, Gelu.Kind act) {

    public static VisionConfig parse(JsonNode v, String family) {
        boolean clip = family.equals("clip");
        return new VisionConfig(family,
                v.path("hidden_size").asInt(768),
                v.path("intermediate_size").asInt(3072),
                v.path("num_hidden_layers").asInt(12),
                v.path("num_attention_heads").asInt(12),
                v.path("patch_size").asInt(clip ? 32 : 16),
                v.path("image_size").asInt(224),
                v.path("num_channels").asInt(3),
                (float) v.path("layer_norm_eps").asDouble(clip ? 1e-5 : 1e-6),
                Gelu.Kind.of(v.path("hidden_act").asText(clip ? "quick_gelu" : "gelu_pytorch_tanh")));
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    public int patchesPerSide() {
        return imageSize / patchSize;
    }

    public int numPatches() {
        return patchesPerSide() * patchesPerSide();
    }
}
