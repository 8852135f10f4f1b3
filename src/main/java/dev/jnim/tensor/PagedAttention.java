package dev.jnim.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal scaled-dot-product attention for one query token against keys and values stored in a
 * paged cache laid out {@code [block][slot][kvHead][headDim]} (float32), as HF eager attention
 * computes it: {@code softmax(q·kᵀ · scale) · v} in float32. One call handles the {@code group}
 * query heads that share one KV head (GQA/MQA), so each cached K and V row is read once for
 * the whole group.
 */
public final class PagedAttention {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** Where one layer's cached K/V live and how a position maps to memory. */
    public record CacheView(MemorySegment k, MemorySegment v, long layerBase, int blockSize, int blockStride,
                            int slotStride) {
        /** Element offset of {@code (position, head)} given the sequence's block table. */
        long offset(int[] blockTable, int position, int headOffset) {
            return layerBase + (long) blockTable[position / blockSize] * blockStride
                    + (long) (position % blockSize) * slotStride + headOffset;
        }
    }

    private PagedAttention() {
    }

    /**
     * Attends query heads {@code [kvHead*group, (kvHead+1)*group)} of one token (at {@code qOff} in
     * {@code q}, heads consecutive) over cache positions {@code [0, ctxLen)}; writes the group's
     * outputs at {@code outOff} in {@code out}. {@code scores} needs {@code group * ctxLen} floats.
     */
    public static void attend(float[] q, int qOff, int group, int headDim, int kvHead, CacheView cache,
                              int[] blockTable, int ctxLen, float scale, float[] scores, float[] out, int outOff) {
        int headOffset = kvHead * headDim;
        int bound = F.loopBound(headDim);
        for (int j = 0; j < ctxLen; j++) {
            long kOff = cache.offset(blockTable, j, headOffset) * 4;
            for (int g = 0; g < group; g++) {
                int qo = qOff + g * headDim;
                FloatVector acc = FloatVector.zero(F);
                int d = 0;
                for (; d < bound; d += L) {
                    acc = FloatVector.fromArray(F, q, qo + d)
                            .fma(FloatVector.fromMemorySegment(F, cache.k(), kOff + 4L * d, NATIVE), acc);
                }
                float s = VectorMath.sum(acc);
                for (; d < headDim; d++) {
                    s += q[qo + d] * cache.k().get(FLOAT, kOff + 4L * d);
                }
                scores[g * ctxLen + j] = s * scale;
            }
        }
        for (int g = 0; g < group; g++) {
            Softmax.inPlace(scores, g * ctxLen, ctxLen);
            java.util.Arrays.fill(out, outOff + g * headDim, outOff + (g + 1) * headDim, 0f);
        }
        for (int j = 0; j < ctxLen; j++) {
            long vOff = cache.offset(blockTable, j, headOffset) * 4;
            for (int d = 0; d < bound; d += L) {
                FloatVector vv = FloatVector.fromMemorySegment(F, cache.v(), vOff + 4L * d, NATIVE);
                for (int g = 0; g < group; g++) {
                    int o = outOff + g * headDim + d;
                    FloatVector.broadcast(F, scores[g * ctxLen + j]).fma(vv, FloatVector.fromArray(F, out, o))
                            .intoArray(out, o);
                }
            }
            for (int d = bound; d < headDim; d++) {
                float vd = cache.v().get(FLOAT, vOff + 4L * d);
                for (int g = 0; g < group; g++) {
                    out[outOff + g * headDim + d] += scores[g * ctxLen + j] * vd;
                }
            }
        }
    }
}
