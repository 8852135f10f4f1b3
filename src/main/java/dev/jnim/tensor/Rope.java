package dev.jnim.tensor;

/**
 * Rotary position embedding in HF's "rotate_half" layout: dimension i pairs with i + d/2.
 * Inverse frequencies follow HF {@code modeling_rope_utils}: default, and {@code rope_type =
 * "llama3"} ({@code _compute_llama3_parameters}), computed in float32 as the reference does.
 */
public final class Rope {

    /** {@code rope_scaling} of a config; {@code null} type means the default rope. */
    public record Scaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions) {
    }

    private final int headDim;
    private final float[] invFreq;

    public Rope(int headDim, double theta, Scaling scaling) {
        this.headDim = headDim;
        this.invFreq = inverseFrequencies(headDim, theta, scaling);
    }

    public int headDim() {
        return headDim;
    }

    public float[] inverseFrequencies() {
        return invFreq.clone();
    }

    /** As HF: {@code 1 / theta^(arange(0, d, 2) / d)} in float32, then the scaling's adjustment. */
    static float[] inverseFrequencies(int headDim, double theta, Scaling scaling) {
        int half = headDim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            inv[i] = 1.0f / (float) Math.pow((float) theta, exponent);
        }
        if (scaling == null || scaling.type() == null || scaling.type().equals("default")) {
            return inv;
        }
        if (!scaling.type().equals("llama3")) {
            throw new IllegalArgumentException("unsupported rope_scaling.rope_type '" + scaling.type()
                    + "' (supported: default, llama3)");
        }
        float factor = (float) scaling.factor();
        float low = (float) scaling.lowFreqFactor();
        float high = (float) scaling.highFreqFactor();
        float oldLen = scaling.originalMaxPositions();
        float lowWavelen = oldLen / low;
        float highWavelen = oldLen / high;
        for (int i = 0; i < half; i++) {
            float f = inv[i];
            float wavelen = (float) (2 * Math.PI) / f;
            float llama = wavelen > lowWavelen ? f / factor : f;
            float smooth = (oldLen / wavelen - low) / (high - low);
            float smoothed = (1 - smooth) * llama / factor + smooth * llama;
            boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
            inv[i] = medium ? smoothed : llama;
        }
        return inv;
    }

    /** Fills {@code cos} and {@code sin} (length d/2 each, at {@code off}) for {@code position}. */
    public void angles(int position, float[] cos, float[] sin, int off) {
        float p = position;
        for (int i = 0; i < invFreq.length; i++) {
            float a = invFreq[i] * p; // float32 product, as torch's freqs = inv_freq @ position_ids
            cos[off + i] = (float) Math.cos(a);
            sin[off + i] = (float) Math.sin(a);
        }
    }

    /**
     * Multimodal RoPE (Qwen2-VL, HF {@code apply_multimodal_rotary_pos_emb}): frequency pair j takes
     * its position from axis 0 (temporal), 1 (height) or 2 (width) as {@code section} splits the
     * d/2 pairs, e.g. [2, 3, 3] → pairs 0-1 temporal, 2-4 height, 5-7 width.
     */
    public void anglesMultimodal(int[] pos3, int posOff, int[] section, float[] cos, float[] sin, int off) {
        int axis = 0;
        int bound = section[0];
        for (int i = 0; i < invFreq.length; i++) {
            while (i >= bound && axis < section.length - 1) {
                axis++;
                bound += section[axis];
            }
            float a = invFreq[i] * (float) pos3[posOff + axis];
            cos[off + i] = (float) Math.cos(a);
            sin[off + i] = (float) Math.sin(a);
        }
    }

    /**
     * Rotates {@code heads} consecutive heads of {@code x} starting at {@code off} with the
     * angles at {@code csOff} of {@code cos}/{@code sin}: {@code x*cos + rotate_half(x)*sin}.
     */
    public static void apply(float[] x, int off, int heads, int headDim, float[] cos, float[] sin, int csOff) {
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            int base = off + h * headDim;
            for (int i = 0; i < half; i++) {
                float c = cos[csOff + i];
                float s = sin[csOff + i];
                float a = x[base + i];
                float b = x[base + i + half];
                x[base + i] = a * c - b * s;
                x[base + i + half] = b * c + a * s;
            }
        }
    }
}
