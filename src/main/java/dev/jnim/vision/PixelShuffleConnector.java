package dev.jnim.vision;

import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.Linear;
import dev.jnim.weights.WeightSource;

/**
 * Idefics3's connector (HF {@code Idefics3Connector}): pixel shuffle by {@code scale_factor} r —
 * each r×r block of patch features becomes one token of r²·D features — then a bias-free Linear
 * into the text model's space.
 */
public final class PixelShuffleConnector {

    private final int r;
    private final Linear proj;

    public PixelShuffleConnector(WeightSource w, String prefix, int visionHidden, int textHidden, int scaleFactor) {
        this.r = scaleFactor;
        this.proj = w.linear(prefix + "modality_projection.proj", textHidden, visionHidden * r * r, false, false);
    }

    /** Tokens per image after the shuffle. */
    public int tokensPerImage(int patches) {
        return patches / (r * r);
    }

    /** {@code n} images of {@code seq} patch features {@code [seq × d]} → projected {@code [n · seq/r² × textHidden]}. */
    public float[] project(ComputePool pool, float[] features, int n, int seq, int d) {
        float[] shuffled = shuffle(features, n, seq, d, r);
        int tokens = n * seq / (r * r);
        float[] out = new float[tokens * proj.out()];
        proj.apply(pool, shuffled, tokens, out);
        return out;
    }

    /**
     * The index map of HF's {@code pixel_shuffle} (view, permute, reshape, permute, reshape):
     * {@code out[i2, j2, m] = x[i2·r + m/(d·r), j2·r + (m mod d·r)/d, m mod d]} on the {@code side × side} grid.
     */
    static float[] shuffle(float[] x, int n, int seq, int d, int r) {
        int side = (int) Math.round(Math.sqrt(seq));
        if (side * side != seq || side % r != 0) {
            throw new IllegalArgumentException("pixel shuffle needs a square grid divisible by " + r + ", got " + seq);
        }
        int outSide = side / r;
        int m = d * r * r;
        float[] out = new float[n * seq * d];
        for (int img = 0; img < n; img++) {
            int base = img * seq * d;
            for (int i2 = 0; i2 < outSide; i2++) {
                for (int j2 = 0; j2 < outSide; j2++) {
                    int o = base + (i2 * outSide + j2) * m;
                    for (int k = 0; k < m; k++) {
                        int i = i2 * r + k / (d * r);
                        int j = j2 * r + (k % (d * r)) / d;
                        out[o + k] = x[base + (i * side + j) * d + k % d];
                    }
                }
            }
        }
        return out;
    }
}
