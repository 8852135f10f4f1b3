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

    private static void matrix(InMemoryWeights w, String prefix, DType dtype, int out, int in, boolean bias,
                               SplittableRandom rng) {
        double std = Math.min(0.2, Math.max(0.02, 1 / Math.sqrt(in)));
        w.addRandom(prefix + ".weight", dtype, 0, std, rng, out, in);
        if (bias) {
            w.addRandom(prefix + ".bias", DType.F32, 0, 0.05, rng, out);
        }
    }
}
