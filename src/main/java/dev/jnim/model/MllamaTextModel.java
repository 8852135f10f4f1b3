package dev.jnim.model;

import dev.jnim.kv.ImageKvCache;
import dev.jnim.kv.ImageKvLayout;
import dev.jnim.kv.KvCache;
import dev.jnim.kv.KvLayout;
import dev.jnim.tensor.Activations;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.CrossAttention;
import dev.jnim.tensor.Linear;
import dev.jnim.tensor.Matrix;
import dev.jnim.tensor.RmsNorm;
import dev.jnim.tensor.RowDecoder;
import dev.jnim.tensor.Tensor;
import dev.jnim.weights.WeightSource;
import java.util.Arrays;

/**
 * The text model of Llama 3.2 Vision (HF {@code MllamaForCausalLM}, transformers v4.47.1): a Llama decoder in
 * which the layers listed in {@code cross_attention_layers} are gated cross-attention layers instead of
 * self-attention ones. Self-attention layers keep their K/V in the paged text pool ({@link KvCache}, one
 * cache layer per self-attention layer); cross-attention layers read the image pool ({@link ImageKvCache}).
 *
 * <p>A cross-attention layer, for the tokens of a sequence with images:
 * {@code x += tanh(attn_gate) · o(crossattn(q_norm(q(RMS(x))), k_norm(k(img)), v(img), mask))}, then
 * {@code x += tanh(mlp_gate) · rowMask · MLP(RMS(x))}, where rowMask is 0 for a token that sees no image
 * ({@code full_text_row_masked_out_mask}). Sequences without images skip these layers, as HF does when there
 * are no cross-attention states.
 *
 * <p>Threading: {@link #forward} runs on one caller thread at a time; activation buffers belong to this object.
 */
final class MllamaTextModel {

    private record Mlp(Linear gate, Linear up, Linear down, Linear[] gateUp) {
        Mlp(Linear gate, Linear up, Linear down) {
            this(gate, up, down, new Linear[] {gate, up});
        }
    }

    private record CrossLayer(float[] inputNorm, Linear q, Linear k, Linear v, Linear o, float[] qNorm,
                              float[] kNorm, float attnGate, float mlpGate, float[] postNorm, Mlp mlp, int imageLayer) {
    }

    private final DecoderConfig cfg;
    private final ComputePool pool;
    private final Matrix embed;
    private final int embedRows;
    private final Object[] layers; // DecoderLayer or CrossLayer, in order
    private final float[] finalNorm;
    private final Linear lmHead;
    private final KvLayout kvLayout;
    private final ImageKvLayout imageKvLayout;
    private final DecoderWorkspace ws;
    private int[] crossTokens = new int[0];
    private float[] normed = new float[0];
    private float[] logits = new float[0];

    MllamaTextModel(DecoderConfig cfg, int[] crossLayers, int tokensPerImage, WeightSource w, String prefix,
                    String headName, LoadOptions opts) {
        this.cfg = cfg;
        this.pool = opts.pool();
        int h = cfg.hiddenSize();
        boolean quant = opts.quantize() != null;
        Tensor emb = w.get(prefix + "embed_tokens.weight");
        if (emb.rank() != 2 || emb.dim(1) != h || emb.dim(0) < cfg.vocabSize()) {
            throw new ModelException(w.origin() + ": " + emb.name() + " has shape " + Arrays.toString(emb.shape())
                    + ", expected [>= " + cfg.vocabSize() + ", " + h + "]");
        }
        this.embed = Matrix.of(emb);
        this.embedRows = Math.toIntExact(emb.dim(0));
        this.layers = new Object[cfg.numLayers()];
        int self = 0;
        int cross = 0;
        for (int i = 0; i < layers.length; i++) {
            String p = prefix + "layers." + i + ".";
            if (contains(crossLayers, i)) {
                Mlp mlp = new Mlp(w.linear(p + "mlp.gate_proj", cfg.intermediateSize(), h, false, quant),
                        w.linear(p + "mlp.up_proj", cfg.intermediateSize(), h, false, quant),
                        w.linear(p + "mlp.down_proj", h, cfg.intermediateSize(), false, quant));
                float[] inNorm = w.get(p + "input_layernorm.weight", h).toFloatArray();
                float[] postNorm = w.get(p + "post_attention_layernorm.weight", h).toFloatArray();
                String a = p + "cross_attn.";
                layers[i] = new CrossLayer(inNorm,
                        w.linear(a + "q_proj", cfg.qDim(), h, false, quant),
                        w.linear(a + "k_proj", cfg.kvDim(), h, false, quant),
                        w.linear(a + "v_proj", cfg.kvDim(), h, false, quant),
                        w.linear(a + "o_proj", h, cfg.qDim(), false, quant),
                        w.get(a + "q_norm.weight", cfg.headDim()).toFloatArray(),
                        w.get(a + "k_norm.weight", cfg.headDim()).toFloatArray(),
                        (float) Math.tanh(w.get(p + "cross_attn_attn_gate", 1).toFloatArray()[0]),
                        (float) Math.tanh(w.get(p + "cross_attn_mlp_gate", 1).toFloatArray()[0]),
                        postNorm, mlp, cross++);
            } else {
                layers[i] = DecoderLayer.load(w, p, cfg, quant, self++);
            }
        }
        if (self == 0 || cross == 0) {
            throw new ModelException(w.origin() + ": cross_attention_layers must name some but not all of the "
                    + cfg.numLayers() + " layers");
        }
        this.finalNorm = w.get(prefix + "norm.weight", h).toFloatArray();
        this.lmHead = w.linear(headName.substring(0, headName.length() - ".weight".length()), cfg.vocabSize(), h,
                false, quant);
        this.kvLayout = new KvLayout(self, cfg.numKvHeads(), cfg.headDim());
        this.imageKvLayout = new ImageKvLayout(cross, cfg.numKvHeads(), cfg.headDim(), tokensPerImage);
        this.ws = new DecoderWorkspace(cfg, pool);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    KvLayout kvLayout() {
        return kvLayout;
    }

    ImageKvLayout imageKvLayout() {
        return imageKvLayout;
    }

    DecoderConfig config() {
        return cfg;
    }

    long weightBytesPerStep() {
        long total = lmHead.weight().bytes();
        for (Object l : layers) {
            if (l instanceof DecoderLayer s) {
                total += s.weightBytes();
            } else {
                CrossLayer c = (CrossLayer) l;
                Mlp m = c.mlp;
                total += c.q.weight().bytes() + c.o.weight().bytes()
                        + m.gate.weight().bytes() + m.up.weight().bytes() + m.down.weight().bytes();
            }
        }
        return total;
    }

    /**
     * Computes the cross-attention K ({@code k_norm(k_proj(states))}) and V ({@code v_proj(states)}) of one image's
     * {@code tokensPerImage} projected vision states in every cross-attention layer and stores them in
     * {@code slot} of the image pool.
     */
    void writeImageKv(float[] states, ImageKvCache cache, int slot) {
        int n = imageKvLayout.tokensPerImage();
        if (states.length != n * cfg.hiddenSize()) {
            throw new IllegalArgumentException("an image has " + n + " cross-attention states of " + cfg.hiddenSize()
                    + " values, got " + states.length + " values");
        }
        float[] kk = new float[n * cfg.kvDim()];
        float[] vv = new float[n * cfg.kvDim()];
        for (Object l : layers) {
            if (l instanceof CrossLayer c) {
                c.k.apply(pool, states, n, kk);
                c.v.apply(pool, states, n, vv);
                for (int r = 0; r < n * cfg.numKvHeads(); r++) {
                    RmsNorm.row(kk, r * cfg.headDim(), c.kNorm, cfg.rmsNormEps(), cfg.headDim(), kk, r * cfg.headDim());
                }
                cache.write(slot, c.imageLayer, kk, vv, n);
            }
        }
    }

    private void ensureCapacity(int T) {
        ws.ensureCapacity(T);
        if (crossTokens.length < T) {
            crossTokens = new int[Math.max(T, crossTokens.length * 2)];
        }
    }

    float[] forward(ForwardBatch batch, KvCache cache) {
        int T = batch.numTokens();
        ensureCapacity(T);
        int h = cfg.hiddenSize();
        int half = cfg.headDim() / 2;
        int nCross = 0;
        for (int t = 0; t < T; t++) {
            int tok = batch.token(t);
            if (tok < 0 || tok >= embedRows) {
                throw new ModelException("token id " + tok + " outside the embedding table [0, " + embedRows + ")");
            }
            RowDecoder.decodeRow(embed, tok, ws.x, t * h);
            ws.rope.angles(batch.position(t), ws.cos, ws.sin, t * half);
            if (batch.crossAttention(batch.sequenceOf(t)) != null) {
                crossTokens[nCross++] = t;
            }
        }
        for (Object layer : layers) {
            if (layer instanceof DecoderLayer s) {
                s.forward(ws, batch, cache, T);
            } else if (nCross > 0) {
                crossAttentionLayer((CrossLayer) layer, batch, nCross);
            }
        }
        int rows = batch.numLogits();
        if (rows == 0) {
            return logits;
        }
        if (normed.length < rows * h) {
            normed = new float[rows * h];
        }
        for (int i = 0; i < rows; i++) {
            RmsNorm.row(ws.x, batch.logitToken(i) * h, finalNorm, cfg.rmsNormEps(), h, normed, i * h);
        }
        int vocab = cfg.vocabSize();
        if (logits.length < rows * vocab) {
            logits = new float[rows * vocab];
        }
        lmHead.apply(pool, normed, rows, logits);
        return logits;
    }

    /** The cross-attention layer for the {@code n} tokens listed in {@code crossTokens}, gathered into rows 0..n. */
    private void crossAttentionLayer(CrossLayer layer, ForwardBatch batch, int n) {
        int h = cfg.hiddenSize();
        int hd = cfg.headDim();
        int qDim = cfg.qDim();
        for (int i = 0; i < n; i++) {
            RmsNorm.row(ws.x, crossTokens[i] * h, layer.inputNorm, cfg.rmsNormEps(), h, ws.xb, i * h);
        }
        layer.q.apply(pool, ws.xb, n, ws.q);
        for (int r = 0; r < n * cfg.numHeads(); r++) {
            RmsNorm.row(ws.q, r * hd, layer.qNorm, cfg.rmsNormEps(), hd, ws.q, r * hd);
        }
        int kvHeads = cfg.numKvHeads();
        int group = cfg.numHeads() / kvHeads;
        pool.parallelFor(n * kvHeads, 1, (s, e) -> {
            for (int i = s; i < e; i++) {
                int row = i / kvHeads;
                int kvh = i % kvHeads;
                int t = crossTokens[row];
                CrossAttentionInputs in = batch.crossAttention(batch.sequenceOf(t));
                ImageKvCache c = in.cache();
                long[] bases = in.bases()[layer.imageLayer];
                int tpt = c.layout().tokensPerImage() / in.tiles();
                float[] scores = ws.scores(group * bases.length * c.layout().tokensPerImage());
                int off = row * qDim + kvh * group * hd;
                CrossAttention.attend(ws.q, off, group, hd, kvh, c.k(), c.v(), bases, in.tiles(), tpt,
                        c.layout().slotStride(), in.row(batch.position(t)), ws.attnScale, scores, ws.attn, off);
            }
        });
        layer.o.apply(pool, ws.attn, n, ws.o);
        for (int i = 0; i < n; i++) {
            int xo = crossTokens[i] * h;
            for (int j = 0; j < h; j++) {
                ws.x[xo + j] += layer.attnGate * ws.o[i * h + j];
            }
        }
        crossMlp(layer.mlp, layer.postNorm, n, batch, layer.mlpGate);
    }

    /**
     * {@code x += g · MLP(RMS(x))} over the {@code n} cross tokens, skipping those that see no image
     * (HF multiplies their MLP output by 0: {@code full_text_row_masked_out_mask}).
     */
    private void crossMlp(Mlp m, float[] norm, int n, ForwardBatch batch, float g) {
        int h = cfg.hiddenSize();
        for (int i = 0; i < n; i++) {
            RmsNorm.row(ws.x, crossTokens[i] * h, norm, cfg.rmsNormEps(), h, ws.xb, i * h);
        }
        Linear.applyAll(pool, ws.xb, n, m.gateUp, ws.gateUpOut);
        Activations.siluMul(ws.gate, ws.up, n * cfg.intermediateSize());
        m.down.apply(pool, ws.gate, n, ws.o);
        for (int i = 0; i < n; i++) {
            int t = crossTokens[i];
            if (batch.crossAttention(batch.sequenceOf(t)).row(batch.position(t)) == null) {
                continue;
            }
            int xo = t * h;
            for (int j = 0; j < h; j++) {
                ws.x[xo + j] += g * ws.o[i * h + j];
            }
        }
    }
}
