package dev.jnim.model;

import dev.jnim.kv.KvCache;
import dev.jnim.kv.KvLayout;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.Linear;
import dev.jnim.tensor.Matrix;
import dev.jnim.tensor.RmsNorm;
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

    private final String architecture;
    private final DecoderConfig cfg;
    private final WeightSource weights;
    private final ComputePool pool;
    private final Matrix embed;
    private final DecoderLayer[] layers;
    private final float[] finalNorm;
    private final Linear lmHead;
    private final KvLayout kvLayout;
    private final DecoderWorkspace ws;
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
        this.layers = new DecoderLayer[cfg.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = DecoderLayer.load(w, prefix + "layers." + i + ".", cfg, opts.quantize() != null, i);
        }
        this.finalNorm = w.get(prefix + "norm.weight", h).toFloatArray();
        if (w.contains(headName)) {
            this.lmHead = w.linear(headName.substring(0, headName.length() - ".weight".length()),
                    cfg.vocabSize(), h, false, opts.quantize() != null);
        } else if (cfg.tieWordEmbeddings()) {
            Matrix head = opts.quantize() != null ? embed.quantizeQ8_0() : embed.packPanels();
            this.lmHead = new Linear(head, null);
        } else {
            throw new ModelException(w.origin() + ": missing tensor " + headName
                    + " (tie_word_embeddings is false, so the LM head must be stored)");
        }
        this.kvLayout = new KvLayout(cfg.numLayers(), cfg.numKvHeads(), cfg.headDim());
        this.ws = new DecoderWorkspace(cfg, pool);
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
        for (DecoderLayer l : layers) {
            total += l.weightBytes();
        }
        return total;
    }

    @Override
    public float[] forward(ForwardBatch batch, KvCache cache) {
        int T = batch.numTokens();
        ws.ensureCapacity(T);
        float[] x = ws.x;
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
                ws.rope.anglesMultimodal(batch.ropePositions(), 3 * t, cfg.mropeSection(), ws.cos, ws.sin, t * half);
            } else {
                ws.rope.angles(batch.position(t), ws.cos, ws.sin, t * half);
            }
        }
        for (DecoderLayer layer : layers) {
            layer.forward(ws, batch, cache, T);
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

    @Override
    public void close() {
        weights.close();
    }
}
