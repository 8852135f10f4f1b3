package dev.jnim.model;

import dev.jnim.kv.KvCache;
import dev.jnim.kv.KvLayout;
import dev.jnim.tensor.Activations;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.Linear;
import dev.jnim.tensor.Matrix;
import dev.jnim.tensor.PagedAttention;
import dev.jnim.tensor.RmsNorm;
import dev.jnim.tensor.Rope;
import dev.jnim.tensor.RowDecoder;
import dev.jnim.weights.WeightSource;

/**
 * The Llama-family decoder ({@code LlamaForCausalLM}, {@code Qwen2ForCausalLM}, and the text model
 * of LLaVA-style VLMs), as HF {@code modeling_llama} computes it: embed, then per layer
 * RMSNorm → attention (RoPE, GQA) → residual → RMSNorm → SwiGLU MLP → residual, then RMSNorm → logits.
 *
 * <p>Threading: {@link #forward} runs on one caller thread at a time; it drives the compute pool.
 * The activation buffers are owned by this object and grow to the largest batch seen.
 */
public final class LlamaModel implements CausalLM {

    private record Layer(float[] inputNorm, Linear q, Linear k, Linear v, Linear o,
                         float[] postNorm, Linear gate, Linear up, Linear down) {
        Linear[] qkv() {
            return new Linear[] {q, k, v};
        }

        Linear[] gateUp() {
            return new Linear[] {gate, up};
        }
    }

    private final String architecture;
    private final DecoderConfig cfg;
    private final WeightSource weights;
    private final ComputePool pool;
    private final Matrix embed;
    private final Layer[] layers;
    private final float[] finalNorm;
    private final Linear lmHead;
    private final Rope rope;
    private final KvLayout kvLayout;
    private final float attnScale;
    private final ThreadLocal<float[][]> scoreScratch = ThreadLocal.withInitial(() -> new float[1][0]);

    // Activation buffers, sized to `capacity` tokens.
    private int capacity;
    private float[] x, xb, q, k, v, attn, o, gate, up, cos, sin;
    private float[] normed = new float[0];
    private float[] logits = new float[0];

    /**
     * Loads a decoder whose tensors are named {@code prefix + "layers.N..."} (e.g. {@code "model."})
     * with the LM head at {@code headName}. The weight source stays open while the model lives.
     */
    public LlamaModel(String architecture, DecoderConfig cfg, WeightSource w, String prefix, String headName,
                      LoadOptions opts) {
        this.architecture = architecture;
        this.cfg = cfg;
        this.weights = w;
        this.pool = opts.pool();
        int h = cfg.hiddenSize();
        this.embed = Matrix.of(w.get(prefix + "embed_tokens.weight", cfg.vocabSize(), h));
        this.layers = new Layer[cfg.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = prefix + "layers." + i + ".";
            layers[i] = new Layer(
                    w.get(p + "input_layernorm.weight", h).toFloatArray(),
                    w.linear(p + "self_attn.q_proj", cfg.qDim(), h, cfg.qkvBias(), opts.quantize() != null),
                    w.linear(p + "self_attn.k_proj", cfg.kvDim(), h, cfg.qkvBias(), opts.quantize() != null),
                    w.linear(p + "self_attn.v_proj", cfg.kvDim(), h, cfg.qkvBias(), opts.quantize() != null),
                    w.linear(p + "self_attn.o_proj", h, cfg.qDim(), cfg.oBias(), opts.quantize() != null),
                    w.get(p + "post_attention_layernorm.weight", h).toFloatArray(),
                    w.linear(p + "mlp.gate_proj", cfg.intermediateSize(), h, cfg.mlpBias(), opts.quantize() != null),
                    w.linear(p + "mlp.up_proj", cfg.intermediateSize(), h, cfg.mlpBias(), opts.quantize() != null),
                    w.linear(p + "mlp.down_proj", h, cfg.intermediateSize(), cfg.mlpBias(), opts.quantize() != null));
        }
        this.finalNorm = w.get(prefix + "norm.weight", h).toFloatArray();
        if (w.contains(headName)) {
            this.lmHead = w.linear(headName.substring(0, headName.length() - ".weight".length()),
                    cfg.vocabSize(), h, false, opts.quantize() != null);
        } else if (cfg.tieWordEmbeddings()) {
            Matrix head = opts.quantize() != null ? embed.quantizeQ8_0() : embed;
            this.lmHead = new Linear(head, null);
        } else {
            throw new ModelException(w.origin() + ": missing tensor " + headName
                    + " (tie_word_embeddings is false, so the LM head must be stored)");
        }
        this.rope = new Rope(cfg.headDim(), cfg.ropeTheta(), cfg.ropeScaling());
        this.kvLayout = new KvLayout(cfg.numLayers(), cfg.numKvHeads(), cfg.headDim());
        this.attnScale = (float) (1.0 / Math.sqrt(cfg.headDim()));
    }

    @Override
    public String architecture() {
        return architecture;
    }

    @Override
    public DecoderConfig decoder() {
        return cfg;
    }

    @Override
    public KvLayout kvLayout() {
        return kvLayout;
    }

    @Override
    public long weightBytesPerStep() {
        long total = lmHead.weight().bytes();
        for (Layer l : layers) {
            total += l.q.weight().bytes() + l.k.weight().bytes() + l.v.weight().bytes() + l.o.weight().bytes()
                    + l.gate.weight().bytes() + l.up.weight().bytes() + l.down.weight().bytes();
        }
        return total;
    }

    private void ensureCapacity(int T) {
        if (T <= capacity) {
            return;
        }
        int c = Math.max(T, capacity * 2);
        int h = cfg.hiddenSize();
        x = new float[c * h];
        xb = new float[c * h];
        o = new float[c * h];
        q = new float[c * cfg.qDim()];
        attn = new float[c * cfg.qDim()];
        k = new float[c * cfg.kvDim()];
        v = new float[c * cfg.kvDim()];
        gate = new float[c * cfg.intermediateSize()];
        up = new float[c * cfg.intermediateSize()];
        cos = new float[c * cfg.headDim() / 2];
        sin = new float[c * cfg.headDim() / 2];
        capacity = c;
    }

    @Override
    public float[] forward(ForwardBatch batch, KvCache cache) {
        int T = batch.numTokens();
        ensureCapacity(T);
        int h = cfg.hiddenSize();
        int half = cfg.headDim() / 2;
        for (int t = 0; t < T; t++) {
            int tok = batch.token(t);
            if (tok < 0 || tok >= cfg.vocabSize()) {
                throw new ModelException("token id " + tok + " outside the vocabulary [0, " + cfg.vocabSize() + ")");
            }
            float[] src = batch.embeddingSource(t);
            if (src != null) {
                System.arraycopy(src, batch.embeddingOffset(t), x, t * h, h);
            } else {
                RowDecoder.decodeRow(embed, tok, x, t * h);
            }
            if (cfg.mropeSection() != null) {
                rope.anglesMultimodal(batch.ropePositions(), 3 * t, cfg.mropeSection(), cos, sin, t * half);
            } else {
                rope.angles(batch.position(t), cos, sin, t * half);
            }
        }
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            RmsNorm.apply(x, layer.inputNorm, cfg.rmsNormEps(), T, h, xb);
            Linear.applyAll(pool, xb, T, layer.qkv(), new float[][] {q, k, v});
            for (int t = 0; t < T; t++) {
                Rope.apply(q, t * cfg.qDim(), cfg.numHeads(), cfg.headDim(), cos, sin, t * half);
                Rope.apply(k, t * cfg.kvDim(), cfg.numKvHeads(), cfg.headDim(), cos, sin, t * half);
                int pos = batch.position(t);
                int[] table = batch.blockTable(batch.sequenceOf(t));
                cache.write(l, table[pos / KvLayout.BLOCK_SIZE], pos % KvLayout.BLOCK_SIZE,
                        k, t * cfg.kvDim(), v, t * cfg.kvDim());
            }
            attention(batch, cache.view(l), T);
            layer.o.apply(pool, attn, T, o);
            addInPlace(x, o, T * h);
            RmsNorm.apply(x, layer.postNorm, cfg.rmsNormEps(), T, h, xb);
            Linear.applyAll(pool, xb, T, layer.gateUp(), new float[][] {gate, up});
            Activations.siluMul(gate, up, T * cfg.intermediateSize());
            layer.down.apply(pool, gate, T, o);
            addInPlace(x, o, T * h);
        }
        int rows = batch.numLogits();
        if (rows == 0) {
            return logits;
        }
        if (normed.length < rows * h) {
            normed = new float[rows * h];
        }
        for (int i = 0; i < rows; i++) {
            RmsNorm.row(x, batch.logitToken(i) * h, finalNorm, cfg.rmsNormEps(), h, normed, i * h);
        }
        int vocab = cfg.vocabSize();
        if (logits.length < rows * vocab) {
            logits = new float[rows * vocab];
        }
        lmHead.apply(pool, normed, rows, logits);
        return logits;
    }

    private void attention(ForwardBatch batch, PagedAttention.CacheView view, int T) {
        int kvHeads = cfg.numKvHeads();
        int group = cfg.numHeads() / kvHeads;
        int hd = cfg.headDim();
        int qDim = cfg.qDim();
        pool.parallelFor(T * kvHeads, 1, (s, e) -> {
            for (int i = s; i < e; i++) {
                int t = i / kvHeads;
                int kvh = i % kvHeads;
                int ctx = batch.position(t) + 1;
                float[] scores = scores(group * ctx);
                int off = t * qDim + kvh * group * hd;
                PagedAttention.attend(q, off, group, hd, kvh, view, batch.blockTable(batch.sequenceOf(t)), ctx,
                        attnScale, scores, attn, off);
            }
        });
    }

    private float[] scores(int n) {
        float[][] holder = scoreScratch.get();
        if (holder[0].length < n) {
            holder[0] = new float[Math.max(n, holder[0].length * 2)];
        }
        return holder[0];
    }

    private static void addInPlace(float[] acc, float[] add, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] += add[i];
        }
    }

    @Override
    public void close() {
        weights.close();
    }
}
