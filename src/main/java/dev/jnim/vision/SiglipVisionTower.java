package dev.jnim.vision;

import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.LayerNorm;
import dev.jnim.tensor.MatMul;
import dev.jnim.tensor.Matrix;
import dev.jnim.tensor.Tensor;
import dev.jnim.weights.WeightSource;

/**
 * The SigLIP-style vision tower of Idefics3 / SmolVLM (HF {@code Idefics3VisionTransformer}): conv
 * patch embedding with bias, learned positions (no class token), the encoder, then
 * {@code post_layernorm}. Each image is one tile of {@code image_size²} pixels.
 */
public final class SiglipVisionTower {

    private final VisionConfig cfg;
    private final Matrix patchEmbed;
    private final float[] patchBias;
    private final float[] positions;
    private final float[] postLnW;
    private final float[] postLnB;
    private final EncoderLayers encoder;

    public SiglipVisionTower(VisionConfig cfg, WeightSource w, String prefix) {
        this.cfg = cfg;
        int d = cfg.hiddenSize();
        int p = cfg.patchSize();
        int c = cfg.numChannels();
        Tensor conv = w.get(prefix + "embeddings.patch_embedding.weight", d, c, p, p);
        this.patchEmbed = new Matrix(conv.name(), conv.dtype(), d, c * p * p, conv.data(), null);
        this.patchBias = w.get(prefix + "embeddings.patch_embedding.bias", d).toFloatArray();
        this.positions = w.get(prefix + "embeddings.position_embedding.weight", cfg.numPatches(), d).toFloatArray();
        this.postLnW = w.get(prefix + "post_layernorm.weight", d).toFloatArray();
        this.postLnB = w.get(prefix + "post_layernorm.bias", d).toFloatArray();
        this.encoder = new EncoderLayers(cfg, w, prefix + "encoder.", cfg.numLayers());
    }

    public int tokensPerImage() {
        return cfg.numPatches();
    }

    public int hiddenSize() {
        return cfg.hiddenSize();
    }

    /** Encodes {@code n} tiles ({@code [n, channels, size, size]}) into {@code [n · patches × hidden]}. */
    public float[] encode(ComputePool pool, float[] pixels, int n) {
        int d = cfg.hiddenSize();
        int seq = cfg.numPatches();
        float[] out = new float[n * seq * d];
        float[] patches = new float[seq * cfg.numChannels() * cfg.patchSize() * cfg.patchSize()];
        float[] x = new float[seq * d];
        int size = cfg.imageSize();
        for (int img = 0; img < n; img++) {
            Patches.unfold(pixels, img * cfg.numChannels() * size * size, cfg.numChannels(), size, size,
                    cfg.patchSize(), patches);
            MatMul.matmul(pool, patches, seq, patchEmbed, x);
            for (int t = 0; t < seq; t++) {
                for (int i = 0; i < d; i++) {
                    x[t * d + i] += patchBias[i] + positions[t * d + i];
                }
            }
            encoder.run(pool, x, seq, encoder.count());
            LayerNorm.apply(x, postLnW, postLnB, cfg.layerNormEps(), seq, d, x);
            System.arraycopy(x, 0, out, img * seq * d, seq * d);
        }
        return out;
    }
}
