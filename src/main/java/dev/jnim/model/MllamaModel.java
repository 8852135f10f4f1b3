package dev.jnim.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.kv.ImageKvCache;
import dev.jnim.kv.ImageKvLayout;
import dev.jnim.kv.KvCache;
import dev.jnim.kv.KvLayout;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.Linear;
import dev.jnim.vision.MllamaVisionConfig;
import dev.jnim.vision.MllamaVisionTower;
import dev.jnim.weights.WeightSource;

/**
 * Llama 3.2 Vision ({@code MllamaForConditionalGeneration}, HF {@code modeling_mllama}, transformers v4.47.1):
 * the tiled vision model ({@link MllamaVisionTower}), the multi-modal projector (one Linear with bias from
 * {@code vision_output_dim} to the text hidden size) that gives the cross-attention states, and the text model
 * with gated cross-attention layers ({@link MllamaTextModel}). The {@code <|image|>} token
 * ({@code image_token_index}, equal to {@code vocab_size}) is an ordinary embedding row; it is never predicted.
 */
public final class MllamaModel implements CrossAttentionModel {

    private final String architecture;
    private final WeightSource weights;
    private final ComputePool pool;
    private final MllamaVisionTower tower;
    private final Linear projector;
    private final MllamaTextModel text;
    private final DecoderConfig decoder;
    private final int imageTokenId;

    MllamaModel(ModelConfig c, WeightSource w, LoadOptions opts) {
        this.architecture = c.architecture();
        this.weights = w;
        this.pool = opts.pool();
        JsonNode root = c.json();
        JsonNode textCfg = root.path("text_config");
        if (!textCfg.isObject()) {
            throw new ModelException(c.source() + ": Mllama needs a text_config object");
        }
        this.decoder = DecoderConfig.parse(withTextDefaults(textCfg), c.source(), false);
        if (decoder.headDim() * decoder.numHeads() != decoder.hiddenSize()) {
            throw new ModelException(c.source() + ": Mllama needs head_dim = hidden_size / num_attention_heads");
        }
        MllamaVisionConfig vc;
        try {
            vc = MllamaVisionConfig.parse(root.path("vision_config"));
        } catch (IllegalArgumentException e) {
            throw new ModelException(c.source() + ": " + e.getMessage(), e);
        }
        JsonNode layers = textCfg.path("cross_attention_layers");
        if (!layers.isArray() || layers.isEmpty()) {
            throw new ModelException(c.source() + ": text_config.cross_attention_layers must list the cross-attention layers");
        }
        int[] cross = new int[layers.size()];
        for (int i = 0; i < cross.length; i++) {
            cross[i] = layers.get(i).asInt(-1);
            if (cross[i] < 0 || cross[i] >= decoder.numLayers()) {
                throw new ModelException(c.source() + ": cross_attention_layers entry " + layers.get(i)
                        + " is not a layer index below " + decoder.numLayers());
            }
        }
        this.imageTokenId = root.path("image_token_index").asInt(decoder.vocabSize());
        this.tower = new MllamaVisionTower(vc, w, "vision_model.");
        this.projector = w.linear("multi_modal_projector", decoder.hiddenSize(), vc.outputDim(), true, false);
        this.text = new MllamaTextModel(decoder, cross, vc.tokensPerImage(), w, "language_model.model.",
                "language_model.lm_head.weight", opts);
    }

    /** {@code MllamaTextConfig}'s defaults where they differ from the Llama ones {@link DecoderConfig} assumes. */
    private static JsonNode withTextDefaults(JsonNode t) {
        ObjectNode o = t.deepCopy();
        if (!o.has("rms_norm_eps")) {
            o.put("rms_norm_eps", 1e-5);
        }
        if (!o.has("rope_theta")) {
            o.put("rope_theta", 500000.0);
        }
        if (!o.has("num_key_value_heads")) {
            o.put("num_key_value_heads", 8);
        }
        if (!o.has("max_position_embeddings")) {
            o.put("max_position_embeddings", 131072);
        }
        o.remove("head_dim"); // Mllama always uses hidden_size / num_attention_heads
        return o;
    }

    @Override
    public String architecture() {
        return architecture;
    }

    @Override
    public DecoderConfig decoder() {
        return decoder;
    }

    @Override
    public KvLayout kvLayout() {
        return text.kvLayout();
    }

    @Override
    public ImageKvLayout imageKvLayout() {
        return text.imageKvLayout();
    }

    @Override
    public int imageTokenId() {
        return imageTokenId;
    }

    @Override
    public int maxTiles() {
        return tower.config().maxNumTiles();
    }

    @Override
    public int pixelValuesPerImage() {
        return tower.pixelsPerImage();
    }

    @Override
    public long weightBytesPerStep() {
        return text.weightBytesPerStep();
    }

    @Override
    public void checkImage(ImageInput image) {
        int[] layout = image.grid();
        if (layout == null || layout.length != 2) {
            throw new IllegalArgumentException("a Llama 3.2 Vision image needs its aspect ratio id and tile count");
        }
        if (image.pixelValues().length != pixelValuesPerImage()) {
            MllamaVisionConfig vc = tower.config();
            throw new IllegalArgumentException("a Llama 3.2 Vision image has " + pixelValuesPerImage()
                    + " pixel values (" + vc.maxNumTiles() + " tiles of " + vc.numChannels() + "×" + vc.imageSize()
                    + "²), got " + image.pixelValues().length);
        }
        if (layout[0] < 1) {
            throw new IllegalArgumentException("aspect_ratio_id must be at least 1, got " + layout[0]);
        }
        tower.check(layout[0], layout[1]);
    }

    @Override
    public java.util.List<Encoded> encode(java.util.List<ImageInput> images) {
        int n = images.size();
        float[][] pixels = new float[n][];
        int[] ratios = new int[n];
        int[] tiles = new int[n];
        for (int i = 0; i < n; i++) {
            ImageInput img = images.get(i);
            checkImage(img);
            pixels[i] = img.pixelValues();
            ratios[i] = img.grid()[0];
            tiles[i] = img.grid()[1];
        }
        float[][] vision = tower.encode(pool, pixels, ratios, tiles);
        int tokens = tower.config().tokensPerImage();
        int h = decoder.hiddenSize();
        int dim = tower.config().outputDim();
        float[] all = new float[n * tokens * dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(vision[i], 0, all, i * tokens * dim, tokens * dim);
        }
        float[] states = new float[n * tokens * h];
        projector.apply(pool, all, n * tokens, states);
        java.util.List<Encoded> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Encoded(vision[i], java.util.Arrays.copyOfRange(states, i * tokens * h, (i + 1) * tokens * h)));
        }
        return out;
    }

    @Override
    public void writeImageKv(float[] states, ImageKvCache cache, int slot) {
        text.writeImageKv(states, cache, slot);
    }

    @Override
    public float[] forward(ForwardBatch batch, KvCache cache) {
        return text.forward(batch, cache);
    }

    @Override
    public void close() {
        weights.close();
    }
}
