package dev.jnim.vision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.DenseAttention;
import dev.jnim.tensor.Gelu;
import dev.jnim.tensor.LayerNorm;
import dev.jnim.tensor.Linear;
import dev.jnim.tensor.Matrix;
import dev.jnim.tensor.Rope;
import dev.jnim.tensor.Tensor;
import dev.jnim.weights.WeightSource;

/**
 * Qwen2-VL's vision transformer (HF {@code Qwen2VisionTransformerPretrainedModel}): Conv3d patch
 * embedding over (2 frames × p × p) patches, blocks with 2-D rotary embeddings (height, width) and
 * attention within each image, then the {@code PatchMerger} (LayerNorm, 2×2 patches concatenated,
 * MLP with exact GELU). Patch rows arrive grouped by 2×2 merge windows, as the image processor
 * orders them.
 */
public final class Qwen2VisionTower {

    private record Block(float[] n1w, float[] n1b, Linear qkv, Linear proj, float[] n2w, float[] n2b,
                         Linear fc1, Linear fc2) {
    }

    private final int dim;
    private final int heads;
    private final int headDim;
    private final int merge;
    private final Gelu.Kind act;
    private final Matrix patchEmbed;
    private final Block[] blocks;
    private final float[] lnQw;
    private final float[] lnQb;
    private final Linear mlp0;
    private final Linear mlp2;
    private final float[] invFreq;

    public Qwen2VisionTower(JsonNode vc, WeightSource w, String prefix, int textHidden) {
        this.dim = vc.path("embed_dim").asInt(1280);
        this.heads = vc.path("num_heads").asInt(16);
        this.headDim = dim / heads;
        this.merge = vc.path("spatial_merge_size").asInt(2);
        int depth = vc.path("depth").asInt(32);
        int p = vc.path("patch_size").asInt(14);
        int tp = vc.path("temporal_patch_size").asInt(2);
        int c = vc.path("in_channels").asInt(3);
        int mlpHidden = (int) (dim * vc.path("mlp_ratio").asDouble(4));
        this.act = Gelu.Kind.of(vc.path("hidden_act").asText("quick_gelu"));
        Tensor conv = w.get(prefix + "patch_embed.proj.weight", dim, c, tp, p, p);
        this.patchEmbed = new Matrix(conv.name(), conv.dtype(), dim, c * tp * p * p, conv.data(), null);
        this.blocks = new Block[depth];
        for (int i = 0; i < depth; i++) {
            String b = prefix + "blocks." + i + ".";
            blocks[i] = new Block(w.get(b + "norm1.weight", dim).toFloatArray(), w.get(b + "norm1.bias", dim).toFloatArray(),
                    w.linear(b + "attn.qkv", 3 * dim, dim, true, false), w.linear(b + "attn.proj", dim, dim, true, false),
                    w.get(b + "norm2.weight", dim).toFloatArray(), w.get(b + "norm2.bias", dim).toFloatArray(),
                    w.linear(b + "mlp.fc1", mlpHidden, dim, true, false), w.linear(b + "mlp.fc2", dim, mlpHidden, true, false));
        }
        this.lnQw = w.get(prefix + "merger.ln_q.weight", dim).toFloatArray();
        this.lnQb = w.get(prefix + "merger.ln_q.bias", dim).toFloatArray();
        int mergedDim = dim * merge * merge;
        this.mlp0 = w.linear(prefix + "merger.mlp.0", mergedDim, mergedDim, true, false);
        this.mlp2 = w.linear(prefix + "merger.mlp.2", textHidden, mergedDim, true, false);
        // VisionRotaryEmbedding(head_dim / 2): theta 10000 over head_dim/2 dims.
        this.invFreq = new Rope(headDim / 2, 10000.0, null).inverseFrequencies();
    }

    /** Output of the blocks (the merger's input) and the merged, projected tokens. */
    public record Output(float[] vision, float[] projected, int tokens) {
    }

    /**
     * Encodes the patch rows of images with grids {@code grids[i] = (t, h, w)} (patches, before the
     * merge). {@code pixels} is {@code [Σ t·h·w × channels·2·p·p]}.
     */
    public Output encode(ComputePool pool, float[] pixels, int[][] grids) {
        int total = 0;
        for (int[] g : grids) {
            total += g[0] * g[1] * g[2];
        }
        float[] x = new float[total * dim];
        dev.jnim.tensor.MatMul.matmul(pool, pixels, total, patchEmbed, x);
        float[] cos = new float[total * headDim / 2];
        float[] sin = new float[total * headDim / 2];
        rotaryAngles(grids, cos, sin);
        float[] h = new float[total * dim];
        float[] qkv = new float[total * 3 * dim];
        float[] q = new float[total * dim];
        float[] k = new float[total * dim];
        float[] v = new float[total * dim];
        float[] a = new float[total * dim];
        float[] m = new float[total * blocks[0].fc1.out()];
        float scale = (float) (1.0 / Math.sqrt(headDim));
        for (Block b : blocks) {
            LayerNorm.apply(x, b.n1w, b.n1b, 1e-6f, total, dim, h);
            b.qkv.apply(pool, h, total, qkv);
            for (int t = 0; t < total; t++) {
                System.arraycopy(qkv, t * 3 * dim, q, t * dim, dim);
                System.arraycopy(qkv, t * 3 * dim + dim, k, t * dim, dim);
                System.arraycopy(qkv, t * 3 * dim + 2 * dim, v, t * dim, dim);
                Rope.apply(q, t * dim, heads, headDim, cos, sin, t * headDim / 2);
                Rope.apply(k, t * dim, heads, headDim, cos, sin, t * headDim / 2);
            }
            // Attention stays within each image (HF's cu_seqlens).
            int start = 0;
            for (int[] g : grids) {
                int n = g[0] * g[1] * g[2];
                float[] qi = java.util.Arrays.copyOfRange(q, start * dim, (start + n) * dim);
                float[] ki = java.util.Arrays.copyOfRange(k, start * dim, (start + n) * dim);
                float[] vi = java.util.Arrays.copyOfRange(v, start * dim, (start + n) * dim);
                float[] ai = new float[n * dim];
                DenseAttention.attend(pool, qi, ki, vi, n, heads, headDim, scale, ai);
                System.arraycopy(ai, 0, a, start * dim, n * dim);
                start += n;
            }
            b.proj.apply(pool, a, total, h);
            add(x, h);
            LayerNorm.apply(x, b.n2w, b.n2b, 1e-6f, total, dim, h);
            b.fc1.apply(pool, h, total, m);
            Gelu.apply(act, m, m.length);
            b.fc2.apply(pool, m, total, h);
            add(x, h);
        }
        float[] vision = x.clone();
        LayerNorm.apply(x, lnQw, lnQb, 1e-6f, total, dim, h);
        int merged = total / (merge * merge);
        // Consecutive merge×merge rows form one merged token: a plain view as [merged × dim·merge²].
        float[] m1 = new float[merged * mlp0.out()];
        mlp0.apply(pool, h, merged, m1);
        Gelu.apply(Gelu.Kind.GELU, m1, m1.length);
        float[] projected = new float[merged * mlp2.out()];
        mlp2.apply(pool, m1, merged, projected);
        return new Output(vision, projected, merged);
    }

    /**
     * Per patch, the rotary angles of its (row, column) as HF's {@code rot_pos_emb}: the first
     * half of the frequencies use the row, the second half the column; rows are visited in 2×2
     * merge windows.
     */
    private void rotaryAngles(int[][] grids, float[] cos, float[] sin) {
        int quarter = invFreq.length; // headDim / 4
        int idx = 0;
        for (int[] g : grids) {
            int t = g[0];
            int hh = g[1];
            int ww = g[2];
            for (int f = 0; f < t; f++) {
                for (int bh = 0; bh < hh / merge; bh++) {
                    for (int bw = 0; bw < ww / merge; bw++) {
                        for (int ih = 0; ih < merge; ih++) {
                            for (int iw = 0; iw < merge; iw++) {
                                int row = bh * merge + ih;
                                int col = bw * merge + iw;
                                int off = idx * 2 * quarter;
                                for (int i = 0; i < quarter; i++) {
                                    float ar = (float) row * invFreq[i];
                                    float ac = (float) col * invFreq[i];
                                    cos[off + i] = (float) Math.cos(ar);
                                    sin[off + i] = (float) Math.sin(ar);
                                    cos[off + quarter + i] = (float) Math.cos(ac);
                                    sin[off + quarter + i] = (float) Math.sin(ac);
                                }
                                idx++;
                            }
                        }
                    }
                }
            }
        }
    }

    private static void add(float[] acc, float[] y) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += y[i];
        }
    }
}
