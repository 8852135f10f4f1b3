package dev.jnim.vision;

import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.DType;
import dev.jnim.tensor.Gelu;
import dev.jnim.tensor.LayerNorm;
import dev.jnim.tensor.Linear;
import dev.jnim.tensor.MatMul;
import dev.jnim.tensor.Matrix;
import dev.jnim.tensor.Softmax;
import dev.jnim.weights.WeightSource;
import java.lang.foreign.MemorySegment;

/**
 * The local or global transformer of the Mllama vision model (HF {@code MllamaVisionEncoder} /
 * {@code MllamaVisionEncoderLayer}, v4.47.1): {@code x += g_attn · o(attn(LN1(x)))},
 * {@code x += g_ffn · fc2(gelu(fc1(LN2(x))))}, with {@code g = tanh(gate)} in the global (gated) layers and 1
 * in the local ones. q/k/v/o have no bias.
 *
 * <p>The attention mask is HF's {@code _prepare_aspect_ratio_attention_mask}: the outer product of the
 * "invalid" flags (padding patches, unused tiles) times the float minimum, so a score is masked only when
 * <em>both</em> the query and the key are invalid; valid tokens see every token, padding included.
 */
final class MllamaVisionEncoder {

    private record Layer(float[] ln1w, float[] ln1b, Linear q, Linear k, Linear v, Linear o,
                         float[] ln2w, float[] ln2b, Linear fc1, Linear fc2, float gateAttn, float gateFfn) {
    }

    /** Query rows per block of the score matrix: keeps it at {@code 256 × seq} floats. */
    private static final int QUERY_BLOCK = 256;

    private final MllamaVisionConfig cfg;
    private final Layer[] layers;

    MllamaVisionEncoder(MllamaVisionConfig cfg, WeightSource w, String prefix, int count, boolean gated) {
        this.cfg = cfg;
        int d = cfg.hiddenSize();
        int f = cfg.intermediateSize();
        layers = new Layer[count];
        for (int i = 0; i < count; i++) {
            String p = prefix + "layers." + i + ".";
            layers[i] = new Layer(
                    w.get(p + "input_layernorm.weight", d).toFloatArray(), w.get(p + "input_layernorm.bias", d).toFloatArray(),
                    w.linear(p + "self_attn.q_proj", d, d, false, false),
                    w.linear(p + "self_attn.k_proj", d, d, false, false),
                    w.linear(p + "self_attn.v_proj", d, d, false, false),
                    w.linear(p + "self_attn.o_proj", d, d, false, false),
                    w.get(p + "post_attention_layernorm.weight", d).toFloatArray(),
                    w.get(p + "post_attention_layernorm.bias", d).toFloatArray(),
                    w.linear(p + "mlp.fc1", f, d, true, false),
                    w.linear(p + "mlp.fc2", d, f, true, false),
                    gated ? (float) Math.tanh(w.get(p + "gate_attn", 1).toFloatArray()[0]) : 1f,
                    gated ? (float) Math.tanh(w.get(p + "gate_ffn", 1).toFloatArray()[0]) : 1f);
        }
    }

    int count() {
        return layers.length;
    }

    /**
     * Runs every layer in place over {@code x}: {@code images} sequences of {@code seq} rows of hidden size, one
     * after the other. The linear layers take all rows at once (the weights are read once for the batch);
     * attention stays within each image. When {@code states} is not null, {@code states[i]} receives a copy of
     * {@code hidden_states[keep[i]]} (index 0 is the input of layer 0).
     */
    void run(ComputePool pool, float[] x, int images, int seq, boolean[] invalid, int[] keep, float[][] states) {
        int d = cfg.hiddenSize();
        int rows = images * seq;
        float[] h = new float[rows * d];
        float[] q = new float[rows * d];
        float[] k = new float[rows * d];
        float[] v = new float[rows * d];
        float[] a = new float[rows * d];
        float[] m = new float[rows * cfg.intermediateSize()];
        for (int l = 0; l <= layers.length; l++) {
            if (states != null) {
                for (int i = 0; i < keep.length; i++) {
                    if (keep[i] == l) {
                        states[i] = x.clone();
                    }
                }
            }
            if (l == layers.length) {
                break;
            }
            Layer L = layers[l];
            LayerNorm.apply(x, L.ln1w, L.ln1b, cfg.normEps(), rows, d, h);
            L.q.apply(pool, h, rows, q);
            L.k.apply(pool, h, rows, k);
            L.v.apply(pool, h, rows, v);
            for (int img = 0; img < images; img++) {
                attend(pool, q, k, v, img * seq, seq, invalid, a);
            }
            L.o.apply(pool, a, rows, h);
            addScaled(x, h, L.gateAttn, rows * d);
            LayerNorm.apply(x, L.ln2w, L.ln2b, cfg.normEps(), rows, d, h);
            L.fc1.apply(pool, h, rows, m);
            Gelu.apply(cfg.act(), m, rows * cfg.intermediateSize());
            L.fc2.apply(pool, m, rows, h);
            addScaled(x, h, L.gateFfn, rows * d);
        }
    }

    /**
     * {@code softmax(q·kᵀ/√d + mask)·v} per head over rows {@code [base, base + seq)} (one image), in blocks of
     * query rows.
     */
    private void attend(ComputePool pool, float[] q, float[] k, float[] v, int base, int seq, boolean[] invalid,
                        float[] out) {
        int heads = cfg.numHeads();
        int hd = cfg.headDim();
        int dim = heads * hd;
        float scale = (float) (1.0 / Math.sqrt(hd));
        int block = Math.min(QUERY_BLOCK, seq);
        float[] qh = new float[block * hd];
        float[] kh = new float[seq * hd];
        float[] vt = new float[hd * seq];
        float[] p = new float[block * seq];
        float[] oh = new float[block * hd];
        for (int h = 0; h < heads; h++) {
            for (int t = 0; t < seq; t++) {
                System.arraycopy(k, (base + t) * dim + h * hd, kh, t * hd, hd);
                for (int e = 0; e < hd; e++) {
                    vt[e * seq + t] = v[(base + t) * dim + h * hd + e];
                }
            }
            Matrix kMat = matrix(kh, seq, hd);
            Matrix vMat = matrix(vt, hd, seq);
            for (int r0 = 0; r0 < seq; r0 += block) {
                int rows = Math.min(block, seq - r0);
                for (int t = 0; t < rows; t++) {
                    System.arraycopy(q, (base + r0 + t) * dim + h * hd, qh, t * hd, hd);
                }
                MatMul.matmul(pool, qh, rows, kMat, p);
                int first = base + r0;
                pool.parallelFor(rows, 16, (s, e) -> {
                    for (int t = s; t < e; t++) {
                        int o = t * seq;
                        boolean rowInvalid = invalid[first + t];
                        for (int j = 0; j < seq; j++) {
                            // score + finfo.min underflows to a zero weight, as in the reference.
                            p[o + j] = rowInvalid && invalid[base + j] ? -Float.MAX_VALUE : p[o + j] * scale;
                        }
                        Softmax.inPlace(p, o, seq);
                    }
                });
                MatMul.matmul(pool, p, rows, vMat, oh);
                for (int t = 0; t < rows; t++) {
                    System.arraycopy(oh, t * hd, out, (base + r0 + t) * dim + h * hd, hd);
                }
            }
        }
    }

    private static Matrix matrix(float[] a, int rows, int cols) {
        return new Matrix("attention", DType.F32, rows, cols, MemorySegment.ofArray(a), null);
    }

    private static void addScaled(float[] acc, float[] y, float g, int n) {
        if (g == 1f) {
            for (int i = 0; i < n; i++) {
                acc[i] += y[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                acc[i] += g * y[i];
            }
        }
    }
}
