package dev.jnim.model;

import dev.jnim.weights.WeightSource;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps {@code architectures[0]} of a config to the code that loads it. A new architecture is one
 * new file in this package plus one line here.
 */
public final class ModelRegistry {

    /** Builds a model from its config and open weights. */
    @FunctionalInterface
    public interface Loader {
        CausalLM load(ModelConfig config, WeightSource weights, LoadOptions options);
    }

    private static final Map<String, Loader> LOADERS = new TreeMap<>(Map.of(
            "LlamaForCausalLM", (c, w, o) -> new LlamaModel(c.architecture(),
                    DecoderConfig.parse(c.json(), c.source(), false), w, "model.", "lm_head.weight", o),
            "Qwen2ForCausalLM", (c, w, o) -> new LlamaModel(c.architecture(),
                    DecoderConfig.parse(c.json(), c.source(), true), w, "model.", "lm_head.weight", o),
            "LlavaForConditionalGeneration", LlavaModel::new,
            "Idefics3ForConditionalGeneration", Idefics3Model::new,
            "Qwen2VLForConditionalGeneration", Qwen2VLModel::new,
            "MllamaForConditionalGeneration", MllamaModel::new));

    private ModelRegistry() {
    }

    public static boolean supports(String architecture) {
        return LOADERS.containsKey(architecture);
    }

    public static java.util.Set<String> supported() {
        return LOADERS.keySet();
    }

    /** The loader for {@code architecture}, or an error listing the supported ones. */
    public static Loader loader(String architecture) {
        Loader l = LOADERS.get(architecture);
        if (l == null) {
            throw new UnsupportedArchitectureException(architecture, LOADERS.keySet());
        }
        return l;
    }

    public static CausalLM load(ModelConfig config, WeightSource weights, LoadOptions options) {
        return loader(config.architecture()).load(config, weights, options);
    }
}
