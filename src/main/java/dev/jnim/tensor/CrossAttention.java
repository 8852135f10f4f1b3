package dev.jnim.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention of one text token over the vision tokens of its request's images (the cross-attention layers of
 * Llama 3.2 Vision, HF {@code MllamaTextCrossAttention}, eager): {@code softmax(q·kᵀ·scale + mask)·v} in float32.
 * The keys of each image are contiguous rows of {@code slotStride} floats starting at {@code bases[i]}
 * (element offsets into {@code k} and {@code v}); they come in tiles of {@code tokensPerTile} tokens, and a
 * tile is visible when {@code visible[image·tiles + tile]}, or always when {@code visible} is null. A masked
 * score gets the float minimum added, as the reference, so its weight underflows to exactly zero.
 */
public final class CrossAttention {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private CrossAttention() {
    }

    /**
     * Query heads {@code [kvHead·group, (kvHead+1)·group)} of one token at {@code qOff} in {@code q}; writes the
     * group's outputs at {@code outOff} in {@code out}. {@code scores} needs {@code group · keys} floats, where
     * keys = images × tiles × tokensPerTile.
     */
    public static void attend(float[] q, int qOff, int group, int headDim, int kvHead, MemorySegment k,
                              MemorySegment v, long[] bases, int tiles, int tokensPerTile, int slotStride,
                              boolean[] visible, float scale, float[] scores, float[] out, int outOff) {
        int perImage = tiles * tokensPerTile;
        int keys = bases.length * perImage;
        int L = F.length();
        int bound = F.loopBound(headDim);
        for (int i = 0; i < bases.length; i++) {
            for (int j = 0; j < perImage; j++) {
                boolean masked = visible != null && !visible[i * tiles + j / tokensPerTile];
                long kOff = (bases[i] + (long) j * slotStride + (long) kvHead * headDim) * 4;
                for (int g = 0; g < group; g++) {
                    int qo = qOff + g * headDim;
                    FloatVector acc = FloatVector.zero(F);
                    int d = 0;
                    for (; d < bound; d += L) {
                        acc = FloatVector.fromArray(F, q, qo + d).fma(FloatVector.fromMemorySegment(F, k, kOff + 4L * d,
                                NATIVE), acc);
                    }
                    float s = VectorMath.sum(acc);
                    for (; d < headDim; d++) {
                        s += q[qo + d] * k.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, kOff + 4L * d);
                    }
                    scores[g * keys + i * perImage + j] = masked ? -Float.MAX_VALUE : s * scale;
                }
            }
        }
        for (int g = 0; g < group; g++) {
            Softmax.inPlace(scores, g * keys, keys);
            java.util.Arrays.fill(out, outOff + g * headDim, outOff + (g + 1) * headDim, 0f);
        }
        for (int i = 0; i < bases.length; i++) {
            for (int j = 0; j < perImage; j++) {
                int key = i * perImage + j;
                long vOff = (bases[i] + (long) j * slotStride + (long) kvHead * headDim) * 4;
                int d = 0;
                for (; d < bound; d += L) {
                    FloatVector vv = FloatVector.fromMemorySegment(F, v, vOff + 4L * d, NATIVE);
                    for (int g = 0; g < group; g++) {
                        int o = outOff + g * headDim + d;
                        FloatVector.broadcast(F, scores[g * keys + key]).fma(vv, FloatVector.fromArray(F, out, o))
                                .intoArray(out, o);
                    }
                }
                for (; d < headDim; d++) {
                    float vd = v.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, vOff + 4L * d);
                    for (int g = 0; g < group; g++) {
                        out[outOff + g * headDim + d] += scores[g * keys + key] * vd;
                    }
                }
            }
        }
    }
}
