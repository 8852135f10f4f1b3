package dev.jnim.vision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.tensor.Gelu;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code vision_config} of Llama 3.2 Vision ({@code MllamaVisionConfig} in transformers v4.47.1) with
 * its defaults: a ViT over tiles of {@code imageSize} pixels, {@code numLayers} local layers and
 * {@code numGlobalLayers} gated global layers, and the local layers' outputs at
 * {@code intermediateLayers} concatenated to the result.
 */
public record MllamaVisionConfig(int hiddenSize, int intermediateSize, int numLayers, int numGlobalLayers,
                                 int numHeads, int numChannels, int imageSize, int patchSize, float normEps,
                                 Gelu.Kind act, int maxNumTiles, int[] intermediateLayers, int maxAspectRatioId,
                                 int outputDim) {

    public static MllamaVisionConfig parse(JsonNode v) {
        int hidden = v.path("hidden_size").asInt(1280);
        int[] inter = ints(v.path("intermediate_layers_indices"), new int[] {3, 7, 15, 23, 30});
        int maxTiles = v.path("max_num_tiles").asInt(4);
        JsonNode ratios = v.path("supported_aspect_ratios");
        int ratioCount = ratios.isArray() ? ratios.size() : defaultAspectRatios(maxTiles).size();
        int heads = v.has("attention_heads") ? v.path("attention_heads").asInt() : v.path("num_attention_heads").asInt(16);
        int layers = v.path("num_hidden_layers").asInt(32);
        for (int i : inter) {
            if (i < 0 || i > layers) {
                throw new IllegalArgumentException("vision_config.intermediate_layers_indices: " + i
                        + " is outside [0, " + layers + "]");
            }
        }
        int out = v.path("vision_output_dim").asInt(hidden * (1 + inter.length));
        if (out != hidden * (1 + inter.length)) {
            throw new IllegalArgumentException("vision_config.vision_output_dim " + out + " must be hidden_size × (1 + "
                    + "len(intermediate_layers_indices)) = " + hidden * (1 + inter.length));
        }
        return new MllamaVisionConfig(hidden, v.path("intermediate_size").asInt(5120), layers,
                v.path("num_global_layers").asInt(8), heads, v.path("num_channels").asInt(3),
                v.path("image_size").asInt(448), v.path("patch_size").asInt(14),
                (float) v.path("norm_eps").asDouble(1e-5), Gelu.Kind.of(v.path("hidden_act").asText("gelu")),
                maxTiles, inter, ratioCount, out);
    }

    /** HF's default {@code supported_aspect_ratios}: (tiles high, tiles wide) with a product of at most max tiles. */
    static List<int[]> defaultAspectRatios(int maxTiles) {
        List<int[]> out = new ArrayList<>();
        for (int w = 1; w <= maxTiles; w++) {
            for (int h = 1; h <= maxTiles; h++) {
                if (w * h <= maxTiles) {
                    out.add(new int[] {w, h});
                }
            }
        }
        return out;
    }

    private static int[] ints(JsonNode n, int[] dflt) {
        if (!n.isArray()) {
            return dflt;
        }
        int[] a = new int[n.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = n.get(i).asInt();
        }
        return a;
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** Patches per tile plus the class token. */
    public int tokensPerTile() {
        int side = imageSize / patchSize;
        return side * side + 1;
    }

    /** Vision tokens of one image: every tile slot, used or not (the text model sees all of them). */
    public int tokensPerImage() {
        return maxNumTiles * tokensPerTile();
    }
}
