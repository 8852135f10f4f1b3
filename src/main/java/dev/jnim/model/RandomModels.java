package dev.jnim.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.tensor.DType;
import dev.jnim.weights.InMemoryWeights;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Llama-shaped models with random weights generated in memory, for benchmarks and tests that need
 * a model of a real shape without its checkpoint. Initialisation as the golden fixtures: matrices
 * N(0, clamp(1/√fan_in, 0.02, 0.2)), embeddings N(0, 0.2), norms 1 + N(0, 0.1).
 */
public final class RandomModels {

    /** Named shapes of public checkpoints. */
    public static final Map<String, String> SHAPES = Map.of(
            "smollm2-135m", """
                    {"architectures":["LlamaForCausalLM"],"hidden_size":576,"intermediate_size":1536,
                     "num_hidden_layers":30,"num_attention_heads":9,"num_key_value_heads":3,"vocab_size":49152,
                     "rms_norm_eps":1e-5,"rope_theta":100000,"tie_word_embeddings":true,
                     "max_position_embeddings":8192}""",
            "mllama-small", """
                    {"architectures":["MllamaForConditionalGeneration"],"image_token_index":1000,
                     "text_config":{"hidden_size":256,"intermediate_size":768,"num_hidden_layers":10,
                      "cross_attention_layers":[3,8],"num_attention_heads":8,"num_key_value_heads":2,
                      "vocab_size":1000,"max_position_embeddings":4096,"rope_theta":500000},
                     "vision_config":{"hidden_size":64,"intermediate_size":256,"num_hidden_layers":4,
                      "num_global_layers":2,"attention_heads":4,"image_size":56,"patch_size":14,"max_num_tiles":4,
                      "intermediate_layers_indices":[1,3],"vision_output_dim":192}}""",
            "tiny", """
                    {"architectures":["LlamaForCausalLM"],"hidden_size":64,"intermediate_size":128,
                     "num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,"vocab_size":300,
                     "rms_norm_eps":1e-5,"rope_theta":10000,"tie_word_embeddings":true,
                     "max_position_embeddings":2048}""");

    private RandomModels() {
    }

    /** The config of a named shape. */
    public static ModelConfig shape(String name) {
        String json = SHAPES.get(name);
        if (json == null) {
            throw new IllegalArgumentException("unknown random shape '" + name + "' (known: "
                    + String.join(", ", new java.util.TreeSet<>(SHAPES.keySet())) + ")");
        }
        try {
            ObjectNode node = (ObjectNode) new ObjectMapper().readTree(json);
            return ModelConfig.of(Path.of("random:" + name), node);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Random weights, stored as {@code dtype}, for a Llama/Qwen2 config (names as HF's state dict). */
    public static InMemoryWeights weights(ModelConfig config, DType dtype, long seed) {
        if (config.architecture().equals("MllamaForConditionalGeneration")) {
            return mllamaWeights(config, dtype, seed);
        }
        boolean qwen = config.architecture().equals("Qwen2ForCausalLM");
        DecoderConfig c = DecoderConfig.parse(config.json(), config.source(), qwen);
        SplittableRandom rng = new SplittableRandom(seed);
        InMemoryWeights w = new InMemoryWeights(config.source().toString());
        int h = c.hiddenSize();
        w.addRandom("model.embed_tokens.weight", dtype, 0, 0.2, rng, c.vocabSize(), h);
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            w.addRandom(p + "input_layernorm.weight", DType.F32, 1, 0.1, rng, h);
            matrix(w, p + "self_attn.q_proj", dtype, c.qDim(), h, c.qkvBias(), rng);
            matrix(w, p + "self_attn.k_proj", dtype, c.kvDim(), h, c.qkvBias(), rng);
            matrix(w, p + "self_attn.v_proj", dtype, c.kvDim(), h, c.qkvBias(), rng);
            matrix(w, p + "self_attn.o_proj", dtype, h, c.qDim(), c.oBias(), rng);
            w.addRandom(p + "post_attention_layernorm.weight", DType.F32, 1, 0.1, rng, h);
            matrix(w, p + "mlp.gate_proj", dtype, c.intermediateSize(), h, c.mlpBias(), rng);
            matrix(w, p + "mlp.up_proj", dtype, c.intermediateSize(), h, c.mlpBias(), rng);
            matrix(w, p + "mlp.down_proj", dtype, h, c.intermediateSize(), c.mlpBias(), rng);
        }
        w.addRandom("model.norm.weight", DType.F32, 1, 0.1, rng, h);
        if (!c.tieWordEmbeddings()) {
            w.addRandom("lm_head.weight", dtype, 0, 0.2, rng, c.vocabSize(), h);
        }
        return w;
    }

    /**
     * Random weights for a Llama 3.2 Vision config (HF state-dict names), initialised as the golden fixtures:
     * tile and position embeddings N(0, 0.1), biases N(0, 0.05), tanh gates around ±0.75.
     */
    private static InMemoryWeights mllamaWeights(ModelConfig config, DType dtype, long seed) {
        com.fasterxml.jackson.databind.JsonNode t = config.json().path("text_config");
        DecoderConfig c = DecoderConfig.parse(t, config.source(), false);
        dev.jnim.vision.MllamaVisionConfig v = dev.jnim.vision.MllamaVisionConfig.parse(config.json().path("vision_config"));
        java.util.Set<Integer> cross = new java.util.HashSet<>();
        t.path("cross_attention_layers").forEach(n -> cross.add(n.asInt()));
        SplittableRandom rng = new SplittableRandom(seed);
        InMemoryWeights w = new InMemoryWeights(config.source().toString());
        int h = c.hiddenSize();
        String lm = "language_model.model.";
        w.addRandom(lm + "embed_tokens.weight", dtype, 0, 0.2, rng, c.vocabSize() + 8, h);
        for (int i = 0; i < c.numLayers(); i++) {
            String p = lm + "layers." + i + ".";
            String a = p + (cross.contains(i) ? "cross_attn." : "self_attn.");
            w.addRandom(p + "input_layernorm.weight", DType.F32, 1, 0.1, rng, h);
            matrix(w, a + "q_proj", dtype, c.qDim(), h, false, rng);
            matrix(w, a + "k_proj", dtype, c.kvDim(), h, false, rng);
            matrix(w, a + "v_proj", dtype, c.kvDim(), h, false, rng);
            matrix(w, a + "o_proj", dtype, h, c.qDim(), false, rng);
            if (cross.contains(i)) {
                w.addRandom(a + "q_norm.weight", DType.F32, 1, 0.1, rng, c.headDim());
                w.addRandom(a + "k_norm.weight", DType.F32, 1, 0.1, rng, c.headDim());
                w.addRandom(p + "cross_attn_attn_gate", DType.F32, 0.75, 0.2, rng, 1);
                w.addRandom(p + "cross_attn_mlp_gate", DType.F32, -0.75, 0.2, rng, 1);
            }
            w.addRandom(p + "post_attention_layernorm.weight", DType.F32, 1, 0.1, rng, h);
            matrix(w, p + "mlp.gate_proj", dtype, c.intermediateSize(), h, false, rng);
            matrix(w, p + "mlp.up_proj", dtype, c.intermediateSize(), h, false, rng);
            matrix(w, p + "mlp.down_proj", dtype, h, c.intermediateSize(), false, rng);
        }
        w.addRandom(lm + "norm.weight", DType.F32, 1, 0.1, rng, h);
        w.addRandom("language_model.lm_head.weight", dtype, 0, 0.2, rng, c.vocabSize(), h);
        matrix(w, "multi_modal_projector", dtype, h, v.outputDim(), true, rng);
        String vm = "vision_model.";
        int d = v.hiddenSize();
        int tpt = v.tokensPerTile();
        int ids = v.maxAspectRatioId() + 1;
        w.addRandom(vm + "patch_embedding.weight", dtype, 0, 0.1, rng, d, v.numChannels(), v.patchSize(), v.patchSize());
        w.addRandom(vm + "class_embedding", DType.F32, 0, 0.1, rng, d);
        w.addRandom(vm + "gated_positional_embedding.embedding", DType.F32, 0, 0.1, rng, tpt, d);
        w.addRandom(vm + "gated_positional_embedding.gate", DType.F32, 0.75, 0.2, rng, 1);
        w.addRandom(vm + "gated_positional_embedding.tile_embedding.weight", DType.F32, 0, 0.1, rng, ids,
                (long) v.maxNumTiles() * tpt * d);
        for (String e : new String[] {"pre_tile_positional_embedding.", "post_tile_positional_embedding."}) {
            w.addRandom(vm + e + "embedding.weight", DType.F32, 0, 0.1, rng, ids, (long) v.maxNumTiles() * d);
            w.addRandom(vm + e + "gate", DType.F32, 0.75, 0.2, rng, 1);
        }
        for (String n : new String[] {"layernorm_pre.", "layernorm_post."}) {
            w.addRandom(vm + n + "weight", DType.F32, 1, 0.1, rng, d);
            w.addRandom(vm + n + "bias", DType.F32, 0, 0.05, rng, d);
        }
        for (String enc : new String[] {"transformer.", "global_transformer."}) {
            boolean gated = enc.startsWith("global");
            int layers = gated ? v.numGlobalLayers() : v.numLayers();
            for (int i = 0; i < layers; i++) {
                String p = vm + enc + "layers." + i + ".";
                for (String n : new String[] {"input_layernorm.", "post_attention_layernorm."}) {
                    w.addRandom(p + n + "weight", DType.F32, 1, 0.1, rng, d);
                    w.addRandom(p + n + "bias", DType.F32, 0, 0.05, rng, d);
                }
                for (String m : new String[] {"q_proj", "k_proj", "v_proj", "o_proj"}) {
                    matrix(w, p + "self_attn." + m, dtype, d, d, false, rng);
                }
                matrix(w, p + "mlp.fc1", dtype, v.intermediateSize(), d, true, rng);
                matrix(w, p + "mlp.fc2", dtype, d, v.intermediateSize(), true, rng);
                if (gated) {
                    w.addRandom(p + "gate_attn", DType.F32, 0.75, 0.2, rng, 1);
                    w.addRandom(p + "gate_ffn", DType.F32, 0.75, 0.2, rng, 1);
                }
            }
        }
        return w;
    }

    private static void matrix(InMemoryWeights w, String prefix, DType dtype, int out, int in, boolean bias,
                               SplittableRandom rng) {
        double std = Math.min(0.2, Math.max(0.02, 1 / Math.sqrt(in)));
        w.addRandom(prefix + ".weight", dtype, 0, std, rng, out, in);
        if (bias) {
            w.addRandom(prefix + ".bias", DType.F32, 0, 0.05, rng, out);
        }
    }
}
