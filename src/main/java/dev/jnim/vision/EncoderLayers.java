package dev.jnim.vision;

import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.DenseAttention;
import dev.jnim.tensor.Gelu;
import dev.jnim.tensor.LayerNorm;
import dev.jnim.tensor.Linear;
import dev.jnim.weights.WeightSource;

/**
 * The transformer encoder of CLIP and SigLIP vision towers (HF {@code CLIPEncoderLayer},
 * {@code SiglipEncoderLayer}): per layer {@code x += out(attn(LN1(x)))}, {@code x += fc2(act(fc1(LN2(x))))},
 * bidirectional attention with biases.
 */
final class EncoderLayers {

    private record Layer(float[] ln1w, float[] ln1b, Linear q, Linear k, Linear v, Linear o,
                         float[] ln2w, float[] ln2b, Linear fc1, Linear fc2) {
    }

    private final VisionConfig cfg;
    private final Layer[] layers;

    /** Loads {@code count} layers named {@code prefix + "layers.N."...}. */
    EncoderLayers(VisionConfig cfg, WeightSource w, String prefix, int count) {
        this.cfg = cfg;
        int d = cfg.hiddenSize();
        int f = cfg.intermediateSize();
        layers = new Layer[count];
        for (int i = 0; i < count; i++) {
            String p = prefix + "layers." + i + ".";
            layers[i] = new Layer(
                    w.get(p + "layer_norm1.weight", d).toFloatArray(), w.get(p + "layer_norm1.bias", d).toFloatArray(),
                    w.linear(p + "self_attn.q_proj", d, d, true, false),
                    w.linear(p + "self_attn.k_proj", d, d, true, false),
                    w.linear(p + "self_attn.v_proj", d, d, true, false),
                    w.linear(p + "self_attn.out_proj", d, d, true, false),
                    w.get(p + "layer_norm2.weight", d).toFloatArray(), w.get(p + "layer_norm2.bias", d).toFloatArray(),
                    w.linear(p + "mlp.fc1", f, d, true, false),
                    w.linear(p + "mlp.fc2", d, f, true, false));
        }
    }

    int count() {
        return layers.length;
    }

    /** Runs layers {@code [0, upTo)} in place over {@code x} ({@code seq} rows of hidden size). */
    void run(ComputePool pool, float[] x, int seq, int upTo) {
        int d = cfg.hiddenSize();
        float[] h = new float[seq * d];
        float[] q = new float[seq * d];
        float[] k = new float[seq * d];
        float[] v = new float[seq * d];
        float[] a = new float[seq * d];
        float[] m = new float[seq * cfg.intermediateSize()];
        float scale = (float) (1.0 / Math.sqrt(cfg.headDim()));
        for (int l = 0; l < upTo; l++) {
            Layer L = layers[l];
            LayerNorm.apply(x, L.ln1w, L.ln1b, cfg.layerNormEps(), seq, d, h);
            L.q.apply(pool, h, seq, q);
            L.k.apply(pool, h, seq, k);
            L.v.apply(pool, h, seq, v);
            DenseAttention.attend(pool, q, k, v, seq, cfg.numHeads(), cfg.headDim(), scale, a);
            L.o.apply(pool, a, seq, h);
            add(x, h, seq * d);
            LayerNorm.apply(x, L.ln2w, L.ln2b, cfg.layerNormEps(), seq, d, h);
            L.fc1.apply(pool, h, seq, m);
            Gelu.apply(cfg.act(), m, seq * cfg.intermediateSize());
            L.fc2.apply(pool, m, seq, h);
            add(x, h, seq * d);
        }
    }

    private static void add(float[] acc, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] += y[i];
        }
    }
}
