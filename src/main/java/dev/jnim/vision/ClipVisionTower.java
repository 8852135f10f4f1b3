package dev.jnim.vision;

import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.DType;
import dev.jnim.tensor.LayerNorm;
import dev.jnim.tensor.MatMul;
import dev.jnim.tensor.Matrix;
import dev.jnim.tensor.Tensor;
import dev.jnim.weights.WeightSource;

/**
 * CLIP's vision tower as LLaVA uses it (HF {@code CLIPVisionModel} with {@code vision_feature_layer}
 * and {@code vision_feature_select_strategy}): conv patch embedding (no bias), class token,
 * learned positions, {@code pre_layrnorm}, then the encoder up to the feature layer. The output is
 * {@code hidden_states[featureLayer]} before {@code post_layernorm}, without the class token under
 * the {@code default} strategy.
 */
public final class ClipVisionTower {

    private final VisionConfig cfg;
    private final Matrix patchEmbed;
    private final float[] classEmbed;
    private final float[] positions;
    private final float[] preLnW;
    private final float[] preLnB;
    private final EncoderLayers encoder;
    private final int layersToRun;
    private final boolean dropClass;

    /**
     * @param prefix        e.g. {@code vision_tower.vision_model.}
     * @param featureLayer  index into {@code hidden_states} (negative counts from the end)
     * @param strategy      {@code default} (drop the class token) or {@code full}
     */
    public ClipVisionTower(VisionConfig cfg, WeightSource w, String prefix, int featureLayer, String strategy) {
        this.cfg = cfg;
        int d = cfg.hiddenSize();
        int p = cfg.patchSize();
        int c = cfg.numChannels();
        Tensor conv = w.get(prefix + "embeddings.patch_embedding.weight", d, c, p, p);
        // A conv with stride = kernel is a matmul over flattened (channel, y, x) patches.
        this.patchEmbed = new Matrix(conv.name(), conv.dtype(), d, c * p * p, conv.data(), null);
        if (conv.dtype() == DType.Q8_0) {
            throw new IllegalArgumentException("quantised patch embedding not supported");
        }
        this.classEmbed = w.get(prefix + "embeddings.class_embedding", d).toFloatArray();
        this.positions = w.get(prefix + "embeddings.position_embedding.weight", cfg.numPatches() + 1, d).toFloatArray();
        this.preLnW = w.get(prefix + "pre_layrnorm.weight", d).toFloatArray();
        this.preLnB = w.get(prefix + "pre_layrnorm.bias", d).toFloatArray();
        int states = cfg.numLayers() + 1; // hidden_states[0] is the input of layer 0
        int index = featureLayer < 0 ? states + featureLayer : featureLayer;
        if (index < 0 || index >= states) {
            throw new IllegalArgumentException("vision_feature_layer " + featureLayer + " out of range for "
                    + cfg.numLayers() + " layers");
        }
        this.layersToRun = index;
        this.encoder = new EncoderLayers(cfg, w, prefix + "encoder.", index);
        if (!strategy.equals("default") && !strategy.equals("full")) {
            throw new IllegalArgumentException("vision_feature_select_strategy '" + strategy
                    + "' not supported (default, full)");
        }
        this.dropClass = strategy.equals("default");
    }

    /** Feature tokens per image. */
    public int tokensPerImage() {
        return cfg.numPatches() + (dropClass ? 0 : 1);
    }

    public int hiddenSize() {
        return cfg.hiddenSize();
    }

    /**
     * Encodes {@code n} images of {@code pixels} ({@code [n, channels, size, size]}, normalised) into
     * {@code [n · tokensPerImage × hidden]}.
     */
    public float[] encode(ComputePool pool, float[] pixels, int n) {
        int d = cfg.hiddenSize();
        int p = cfg.patchSize();
        int c = cfg.numChannels();
        int size = cfg.imageSize();
        int seq = cfg.numPatches() + 1;
        int patchLen = c * p * p;
        float[] out = new float[n * tokensPerImage() * d];
        float[] patches = new float[cfg.numPatches() * patchLen];
        float[] emb = new float[cfg.numPatches() * d];
        float[] x = new float[seq * d];
        for (int img = 0; img < n; img++) {
            int base = img * c * size * size;
            Patches.unfold(pixels, base, c, size, size, p, patches);
            MatMul.matmul(pool, patches, cfg.numPatches(), patchEmbed, emb);
            System.arraycopy(classEmbed, 0, x, 0, d);
            System.arraycopy(emb, 0, x, d, cfg.numPatches() * d);
            for (int i = 0; i < seq * d; i++) {
                x[i] += positions[i];
            }
            LayerNorm.apply(x, preLnW, preLnB, cfg.layerNormEps(), seq, d, x);
            encoder.run(pool, x, seq, layersToRun);
            int skip = dropClass ? 1 : 0;
            System.arraycopy(x, skip * d, out, img * tokensPerImage() * d, tokensPerImage() * d);
        }
        return out;
    }
}
