package dev.jnim.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.vision.PixelShuffleConnector;
import dev.jnim.vision.SiglipVisionTower;
import dev.jnim.vision.VisionConfig;
import dev.jnim.weights.WeightSource;
import java.util.Arrays;

/**
 * Idefics3 / SmolVLM ({@code Idefics3ForConditionalGeneration}, HF {@code modeling_idefics3}): a
 * SigLIP-style tower over each tile (the split tiles, then the global image), the pixel-shuffle
 * connector, and a Llama text model whose {@code <image>} tokens take the projected rows in order.
 * Tiles that are entirely zero are batch padding and are dropped, as the reference does.
 */
public final class Idefics3Model extends TextBackedModel {

    private final SiglipVisionTower tower;
    private final PixelShuffleConnector connector;
    private final VisionConfig vision;

    Idefics3Model(ModelConfig c, WeightSource w, LoadOptions opts) {
        JsonNode root = c.json();
        DecoderConfig dec = DecoderConfig.parse(root.path("text_config"), c.source(), false);
        super(new LlamaModel(c.architecture(), dec, w, "model.text_model.", "lm_head.weight", opts),
                root.path("image_token_id").asInt(128257), opts.pool());
        this.vision = VisionConfig.parse(root.path("vision_config"), "siglip");
        this.tower = new SiglipVisionTower(vision, w, "model.vision_model.");
        this.connector = new PixelShuffleConnector(w, "model.connector.", vision.hiddenSize(), dec.hiddenSize(),
                root.path("scale_factor").asInt(2));
    }


    @Override
    public ImageFeatures encodeImages(float[] pixelValues, int numImages) {
        int per = pixelValues.length / numImages;
        float[] real = new float[pixelValues.length];
        int kept = 0;
        for (int i = 0; i < numImages; i++) {
            boolean allZero = true;
            for (int k = i * per; k < (i + 1) * per && allZero; k++) {
                allZero = pixelValues[k] == 0f;
            }
            if (!allZero) {
                System.arraycopy(pixelValues, i * per, real, kept * per, per);
                kept++;
            }
        }
        float[] tiles = Arrays.copyOf(real, kept * per);
        float[] features = tower.encode(pool, tiles, kept);
        float[] projected = connector.project(pool, features, kept, tower.tokensPerImage(), vision.hiddenSize());
        return new ImageFeatures(features, projected, connector.tokensPerImage(tower.tokensPerImage()),
                text.decoder().hiddenSize());
    }






}
