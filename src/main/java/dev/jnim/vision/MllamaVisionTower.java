package dev.jnim.vision;

import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.LayerNorm;
import dev.jnim.tensor.MatMul;
import dev.jnim.tensor.Matrix;
import dev.jnim.tensor.RowDecoder;
import dev.jnim.tensor.Tensor;
import dev.jnim.weights.WeightSource;

/**
 * The vision model of Llama 3.2 Vision (HF {@code MllamaVisionModel}, transformers v4.47.1). Per image of
 * {@code maxNumTiles} tiles: conv patch embedding, the gated pre-tile aspect-ratio embedding, a class token per
 * tile, the gated position + tile-position embedding, {@code layernorm_pre}, padding of each tile's tokens to a
 * multiple of 8; then the local transformer over all tiles together (keeping {@code hidden_states[i]} for the
 * intermediate layers), {@code layernorm_post}, the gated post-tile embedding, and the gated global transformer.
 * The output per token is the global output followed by the intermediate states, interleaved as
 * {@code torch.stack(..., dim=-1)} lays them out: {@code [global(d) | inter[d·K + k]]}.
 */
public final class MllamaVisionTower {

    private final MllamaVisionConfig cfg;
    private final Matrix patchEmbed;
    private final float[] classEmbed;
    private final float[] positions;      // (1 − tanh(gate)) · embedding, [tokensPerTile × d]
    private final float positionGate;     // tanh(gate), for the tile-position embedding
    // [ratioIds × maxTiles·tokensPerTile·d], left in the checkpoint (295 MB as float32 for the 11B model): one row is
    // widened per image.
    private final Matrix tilePositions;
    private final float[] preTile;        // [ratioIds × maxTiles·d]
    private final float preTileGate;
    private final float[] postTile;
    private final float postTileGate;
    private final float[] lnPreW, lnPreB, lnPostW, lnPostB;
    private final MllamaVisionEncoder local;
    private final MllamaVisionEncoder global;

    public MllamaVisionTower(MllamaVisionConfig cfg, WeightSource w, String prefix) {
        this.cfg = cfg;
        int d = cfg.hiddenSize();
        int p = cfg.patchSize();
        int c = cfg.numChannels();
        int tpt = cfg.tokensPerTile();
        int ids = cfg.maxAspectRatioId() + 1;
        Tensor conv = w.get(prefix + "patch_embedding.weight", d, c, p, p);
        // A conv with stride = kernel is a matmul over flattened (channel, y, x) patches.
        this.patchEmbed = new Matrix(conv.name(), conv.dtype(), d, c * p * p, conv.data(), null);
        this.classEmbed = w.get(prefix + "class_embedding", d).toFloatArray();
        String gp = prefix + "gated_positional_embedding.";
        float g = w.get(gp + "gate", 1).toFloatArray()[0];
        this.positionGate = (float) Math.tanh(g);
        float[] pos = w.get(gp + "embedding", tpt, d).toFloatArray();
        float keep = 1f - positionGate;
        for (int i = 0; i < pos.length; i++) {
            pos[i] = keep * pos[i];
        }
        this.positions = pos;
        this.tilePositions = Matrix.of(w.get(gp + "tile_embedding.weight", ids, (long) cfg.maxNumTiles() * tpt * d));
        this.preTile = w.get(prefix + "pre_tile_positional_embedding.embedding.weight", ids,
                (long) cfg.maxNumTiles() * d).toFloatArray();
        this.preTileGate = (float) Math.tanh(w.get(prefix + "pre_tile_positional_embedding.gate", 1).toFloatArray()[0]);
        this.postTile = w.get(prefix + "post_tile_positional_embedding.embedding.weight", ids,
                (long) cfg.maxNumTiles() * d).toFloatArray();
        this.postTileGate = (float) Math.tanh(w.get(prefix + "post_tile_positional_embedding.gate", 1).toFloatArray()[0]);
        this.lnPreW = w.get(prefix + "layernorm_pre.weight", d).toFloatArray();
        this.lnPreB = w.get(prefix + "layernorm_pre.bias", d).toFloatArray();
        this.lnPostW = w.get(prefix + "layernorm_post.weight", d).toFloatArray();
        this.lnPostB = w.get(prefix + "layernorm_post.bias", d).toFloatArray();
        this.local = new MllamaVisionEncoder(cfg, w, prefix + "transformer.", cfg.numLayers(), false);
        this.global = new MllamaVisionEncoder(cfg, w, prefix + "global_transformer.", cfg.numGlobalLayers(), true);
    }

    public MllamaVisionConfig config() {
        return cfg;
    }

    /**
     * Encodes one image: {@code pixels} at {@code off} hold {@code maxNumTiles × channels × size × size}
     * normalised values (unused tile slots zero), {@code aspectRatioId} is the processor's 1-based id (0: none)
     * and {@code numTiles} the tiles in use. Writes {@code maxNumTiles × tokensPerTile × outputDim} floats to
     * {@code out} at {@code outOff}.
     */
    public void encode(ComputePool pool, float[] pixels, int off, int aspectRatioId, int numTiles, float[] out,
                       int outOff) {
        float[] one = encode(pool, new float[][] {java.util.Arrays.copyOfRange(pixels, off, off + pixelsPerImage())},
                new int[] {aspectRatioId}, new int[] {numTiles})[0];
        System.arraycopy(one, 0, out, outOff, one.length);
    }

    /** Pixel values of one image: {@code maxNumTiles × channels × size × size}. */
    public int pixelsPerImage() {
        return cfg.maxNumTiles() * cfg.numChannels() * cfg.imageSize() * cfg.imageSize();
    }

    /** Checks an image's aspect ratio id and tile count, as {@link #encode} needs them. */
    public void check(int aspectRatioId, int numTiles) {
        if (aspectRatioId < 0 || aspectRatioId > cfg.maxAspectRatioId()) {
            throw new IllegalArgumentException("aspect_ratio_id " + aspectRatioId + " outside [0, "
                    + cfg.maxAspectRatioId() + "]");
        }
        if (numTiles < 1 || numTiles > cfg.maxNumTiles()) {
            throw new IllegalArgumentException("num_tiles " + numTiles + " outside [1, " + cfg.maxNumTiles() + "]");
        }
    }

    /**
     * Encodes several images in one batch (the linear layers read their weights once for all of them; attention
     * stays within each image). Returns per image {@code maxNumTiles × tokensPerTile × outputDim} floats.
     */
    public float[][] encode(ComputePool pool, float[][] pixels, int[] aspectRatioIds, int[] numTiles) {
        int n = pixels.length;
        for (int i = 0; i < n; i++) {
            check(aspectRatioIds[i], numTiles[i]);
            if (pixels[i].length != pixelsPerImage()) {
                throw new IllegalArgumentException("an image needs " + pixelsPerImage() + " pixel values, got "
                        + pixels[i].length);
            }
        }
        int d = cfg.hiddenSize();
        int p = cfg.patchSize();
        int c = cfg.numChannels();
        int size = cfg.imageSize();
        int tiles = cfg.maxNumTiles();
        int tpt = cfg.tokensPerTile();
        int patches = tpt - 1;
        int padded = tpt + (8 - tpt % 8) % 8;
        int seq = tiles * padded;
        float[] u = new float[n * tiles * tpt * d]; // tiles before padding
        float[] unfolded = new float[tiles * patches * c * p * p];
        float[] emb = new float[tiles * patches * d];
        float[] tilePos = new float[tiles * tpt * d];
        for (int img = 0; img < n; img++) {
            int ratio = aspectRatioIds[img];
            for (int t = 0; t < tiles; t++) {
                Patches.unfold(pixels[img], t * c * size * size, c, size, size, p, unfolded);
                MatMul.matmul(pool, unfolded, patches, patchEmbed, emb);
                int row = (img * tiles + t) * tpt;
                System.arraycopy(classEmbed, 0, u, row * d, d);
                for (int i = 0; i < patches; i++) {
                    for (int j = 0; j < d; j++) {
                        // the pre-tile embedding goes on the patches; the class token comes after it
                        u[(row + 1 + i) * d + j] = emb[i * d + j] + preTile[(ratio * tiles + t) * d + j] * preTileGate;
                    }
                }
            }
            RowDecoder.decode(tilePositions, ratio, 1, tilePos);
            for (int t = 0; t < tiles; t++) {
                int row = (img * tiles + t) * tpt;
                for (int i = 0; i < tpt; i++) {
                    for (int j = 0; j < d; j++) {
                        int xi = (row + i) * d + j;
                        u[xi] += positions[i * d + j];
                        u[xi] += positionGate * tilePos[(t * tpt + i) * d + j];
                    }
                }
            }
        }
        LayerNorm.apply(u, lnPreW, lnPreB, cfg.normEps(), n * tiles * tpt, d, u);
        float[] x = new float[n * seq * d]; // padding rows stay zero
        boolean[] invalid = new boolean[n * seq];
        for (int img = 0; img < n; img++) {
            for (int t = 0; t < tiles; t++) {
                int row = img * seq + t * padded;
                System.arraycopy(u, (img * tiles + t) * tpt * d, x, row * d, tpt * d);
                for (int i = 0; i < padded; i++) {
                    invalid[row + i] = t >= numTiles[img] || i >= tpt;
                }
            }
        }
        int[] keep = cfg.intermediateLayers();
        float[][] states = new float[keep.length][];
        local.run(pool, x, n, seq, invalid, keep, states);
        LayerNorm.apply(x, lnPostW, lnPostB, cfg.normEps(), n * seq, d, x);
        for (int img = 0; img < n; img++) {
            int ratio = aspectRatioIds[img];
            for (int t = 0; t < tiles; t++) {
                for (int i = 0; i < padded; i++) {
                    int xo = (img * seq + t * padded + i) * d;
                    for (int j = 0; j < d; j++) {
                        x[xo + j] += postTile[(ratio * tiles + t) * d + j] * postTileGate;
                    }
                }
            }
        }
        global.run(pool, x, n, seq, invalid, null, null);
        int outDim = cfg.outputDim();
        int k = keep.length;
        float[][] out = new float[n][tiles * tpt * outDim];
        for (int img = 0; img < n; img++) {
            for (int t = 0; t < tiles; t++) {
                for (int i = 0; i < tpt; i++) {
                    int src = (img * seq + t * padded + i) * d;
                    int dst = (t * tpt + i) * outDim;
                    System.arraycopy(x, src, out[img], dst, d);
                    for (int j = 0; j < d; j++) {
                        for (int s = 0; s < k; s++) {
                            out[img][dst + d + j * k + s] = states[s][src + j];
                        }
                    }
                }
            }
        }
        return out;
    }
}
