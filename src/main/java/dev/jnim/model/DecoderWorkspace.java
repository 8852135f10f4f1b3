package dev.jnim.model;

import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.Rope;

/**
 * The activation buffers of a Llama-style decoder's forward pass, and what every layer needs besides its
 * weights: the configuration, the compute pool, RoPE angles of the batch's tokens, per-thread attention
 * scratch. Buffers hold {@code capacity} tokens and grow to the largest batch seen.
 *
 * <p>Threading: owned by one model; its forward pass runs on one caller thread at a time.
 */
final class DecoderWorkspace {

    final DecoderConfig cfg;
    final ComputePool pool;
    final Rope rope;
    final float attnScale;
    private final ThreadLocal<float[][]> scoreScratch = ThreadLocal.withInitial(() -> new float[1][0]);

    private int capacity;
    /** Residual stream, normed input, projections and MLP buffers, {@code capacity} rows each. */
    float[] x, xb, q, k, v, attn, o, gate, up, cos, sin;
    /** {@code {q, k, v}} and {@code {gate, up}}: the outputs of the fused projections. */
    float[][] qkvOut, gateUpOut;

    DecoderWorkspace(DecoderConfig cfg, ComputePool pool) {
        this.cfg = cfg;
        this.pool = pool;
        this.rope = new Rope(cfg.headDim(), cfg.ropeTheta(), cfg.ropeScaling());
        this.attnScale = (float) (1.0 / Math.sqrt(cfg.headDim()));
    }

    /** Makes room for a batch of {@code T} tokens. */
    void ensureCapacity(int T) {
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
        qkvOut = new float[][] {q, k, v};
        gateUpOut = new float[][] {gate, up};
        capacity = c;
    }

    /** This thread's attention-score scratch of at least {@code n} floats. */
    float[] scores(int n) {
        float[][] holder = scoreScratch.get();
        if (holder[0].length < n) {
            holder[0] = new float[Math.max(n, holder[0].length * 2)];
        }
        return holder[0];
    }

    static void addInPlace(float[] acc, float[] add, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] += add[i];
        }
    }
}
