package dev.jnim.model;

import dev.jnim.kv.KvCache;
import dev.jnim.kv.KvLayout;
import dev.jnim.tensor.Activations;
import dev.jnim.tensor.Linear;
import dev.jnim.tensor.PagedAttention;
import dev.jnim.tensor.RmsNorm;
import dev.jnim.tensor.Rope;
import dev.jnim.weights.WeightSource;

/**
 * One Llama self-attention decoder layer as HF {@code LlamaDecoderLayer} computes it: RMSNorm → attention
 * (RoPE, GQA, K/V in the paged cache) → residual → RMSNorm → SwiGLU MLP → residual. Used by every
 * Llama-family text model, including the self-attention layers of Llama 3.2 Vision.
 * {@code cacheLayer} is the layer's index in the paged KV cache.
 */
final class DecoderLayer {

    private final float[] inputNorm;
    private final float[] postNorm;
    private final Linear o;
    private final Linear down;
    private final Linear[] qkv;     // q, k, v: one task on the pool
    private final Linear[] gateUp;  // gate, up: one task on the pool
    private final int cacheLayer;

    private DecoderLayer(float[] inputNorm, Linear q, Linear k, Linear v, Linear o,
                         float[] postNorm, Linear gate, Linear up, Linear down, int cacheLayer) {
        this.inputNorm = inputNorm;
        this.postNorm = postNorm;
        this.o = o;
        this.down = down;
        this.qkv = new Linear[] {q, k, v};
        this.gateUp = new Linear[] {gate, up};
        this.cacheLayer = cacheLayer;
    }

    /** Loads {@code p + "self_attn.*"}, {@code p + "mlp.*"} and both norms (e.g. {@code p = "model.layers.3."}). */
    static DecoderLayer load(WeightSource w, String p, DecoderConfig cfg, boolean quantize, int cacheLayer) {
        int h = cfg.hiddenSize();
        return new DecoderLayer(
                w.get(p + "input_layernorm.weight", h).toFloatArray(),
                w.linear(p + "self_attn.q_proj", cfg.qDim(), h, cfg.qkvBias(), quantize),
                w.linear(p + "self_attn.k_proj", cfg.kvDim(), h, cfg.qkvBias(), quantize),
                w.linear(p + "self_attn.v_proj", cfg.kvDim(), h, cfg.qkvBias(), quantize),
                w.linear(p + "self_attn.o_proj", h, cfg.qDim(), cfg.oBias(), quantize),
                w.get(p + "post_attention_layernorm.weight", h).toFloatArray(),
                w.linear(p + "mlp.gate_proj", cfg.intermediateSize(), h, cfg.mlpBias(), quantize),
                w.linear(p + "mlp.up_proj", cfg.intermediateSize(), h, cfg.mlpBias(), quantize),
                w.linear(p + "mlp.down_proj", h, cfg.intermediateSize(), cfg.mlpBias(), quantize),
                cacheLayer);
    }

    /** Weight bytes one forward pass reads. */
    long weightBytes() {
        long total = o.weight().bytes() + down.weight().bytes();
        for (Linear l : qkv) {
            total += l.weight().bytes();
        }
        for (Linear l : gateUp) {
            total += l.weight().bytes();
        }
        return total;
    }

    /**
     * Runs the layer over the {@code T} tokens of {@code batch} on {@code ws.x}, whose RoPE angles are in
     * {@code ws.cos}/{@code ws.sin}; q/k/v and gate/up are each one task on the pool.
     */
    void forward(DecoderWorkspace ws, ForwardBatch batch, KvCache cache, int T) {
        DecoderConfig cfg = ws.cfg;
        int h = cfg.hiddenSize();
        int half = cfg.headDim() / 2;
        RmsNorm.apply(ws.x, inputNorm, cfg.rmsNormEps(), T, h, ws.xb);
        Linear.applyAll(ws.pool, ws.xb, T, qkv, ws.qkvOut);
        for (int t = 0; t < T; t++) {
            Rope.apply(ws.q, t * cfg.qDim(), cfg.numHeads(), cfg.headDim(), ws.cos, ws.sin, t * half);
            Rope.apply(ws.k, t * cfg.kvDim(), cfg.numKvHeads(), cfg.headDim(), ws.cos, ws.sin, t * half);
            int pos = batch.position(t);
            int[] table = batch.blockTable(batch.sequenceOf(t));
            cache.write(cacheLayer, table[pos / KvLayout.BLOCK_SIZE], pos % KvLayout.BLOCK_SIZE,
                    ws.k, t * cfg.kvDim(), ws.v, t * cfg.kvDim());
        }
        attention(ws, batch, cache.view(cacheLayer), T);
        o.apply(ws.pool, ws.attn, T, ws.o);
        DecoderWorkspace.addInPlace(ws.x, ws.o, T * h);
        RmsNorm.apply(ws.x, postNorm, cfg.rmsNormEps(), T, h, ws.xb);
        Linear.applyAll(ws.pool, ws.xb, T, gateUp, ws.gateUpOut);
        Activations.siluMul(ws.gate, ws.up, T * cfg.intermediateSize());
        down.apply(ws.pool, ws.gate, T, ws.o);
        DecoderWorkspace.addInPlace(ws.x, ws.o, T * h);
    }

    private static void attention(DecoderWorkspace ws, ForwardBatch batch, PagedAttention.CacheView view, int T) {
        DecoderConfig cfg = ws.cfg;
        int kvHeads = cfg.numKvHeads();
        int group = cfg.numHeads() / kvHeads;
        int hd = cfg.headDim();
        int qDim = cfg.qDim();
        ws.pool.parallelFor(T * kvHeads, 1, (s, e) -> {
            for (int i = s; i < e; i++) {
                int t = i / kvHeads;
                int kvh = i % kvHeads;
                int ctx = batch.position(t) + 1;
                float[] scores = ws.scores(group * ctx);
                int off = t * qDim + kvh * group * hd;
                PagedAttention.attend(ws.q, off, group, hd, kvh, view, batch.blockTable(batch.sequenceOf(t)), ctx,
                        ws.attnScale, scores, ws.attn, off);
            }
        });
    }
}
