package dev.jnim.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.tensor.Gelu;
import dev.jnim.vision.ClipVisionTower;
import dev.jnim.vision.MlpProjector;
import dev.jnim.vision.VisionConfig;
import dev.jnim.weights.WeightSource;

/**
 * LLaVA-1.5 ({@code LlavaForConditionalGeneration}, HF {@code modeling_llava}): a CLIP vision tower
 * read at {@code vision_feature_layer}, an MLP projector, and a Llama text model in which each
 * {@code <image>} token is replaced by one projected feature row, image by image.
 */
public final class LlavaModel extends TextBackedModel {

    private final ClipVisionTower tower;
    private final MlpProjector projector;

    LlavaModel(ModelConfig c, WeightSource w, LoadOptions opts) {
        JsonNode root = c.json();
        JsonNode textCfg = root.path("text_config");
        String textType = textCfg.path("model_type").asText("llama");
        if (!textType.equals("llama") && !textType.equals("qwen2")) {
            throw new ModelException(c.source() + ": LLaVA text model_type '" + textType
                    + "' is not supported (llama, qwen2)");
        }
        DecoderConfig dec = DecoderConfig.parse(textCfg, c.source(), textType.equals("qwen2"));
        super(new LlamaModel(c.architecture(), dec, w, "language_model.model.", "language_model.lm_head.weight",
                opts), root.path("image_token_index").asInt(32000), opts.pool());
        VisionConfig vc = VisionConfig.parse(root.path("vision_config"), "clip");
        this.tower = new ClipVisionTower(vc, w, "vision_tower.vision_model.",
                root.path("vision_feature_layer").asInt(-2),
                root.path("vision_feature_select_strategy").asText("default"));
        this.projector = new MlpProjector(w, "multi_modal_projector.", vc.hiddenSize(), dec.hiddenSize(),
                Gelu.Kind.of(root.path("projector_hidden_act").asText("gelu")));
    }


    @Override
    public ImageFeatures encodeImages(float[] pixelValues, int numImages) {
        float[] vision = tower.encode(pool, pixelValues, numImages);
        int rows = numImages * tower.tokensPerImage();
        float[] projected = projector.project(pool, vision, rows);
        return new ImageFeatures(vision, projected, tower.tokensPerImage(), text.decoder().hiddenSize());
    }






}
