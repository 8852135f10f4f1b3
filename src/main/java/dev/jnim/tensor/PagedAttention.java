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
    }

    private PagedAttention() {
    }

    /**
     * Attends query heads {@code [kvHead*group, (kvHead+1)*group)} of one token (at {@code qOff} in
     * {@code q}, heads consecutive) over cache positions {@code [0, ctxLen)}; writes the group's
     * outputs at {@code outOff} in {@code out}. {@code scores} needs {@code group * ctxLen} floats.
     * Positions are walked block by block (one block-table lookup per block, not a division per
     * key), and each output is summed over the positions in order in registers.
     */
    public static void attend(float[] q, int qOff, int group, int headDim, int kvHead, CacheView cache,
                              int[] blockTable, int ctxLen, float scale, float[] scores, float[] out, int outOff) {
        int headOffset = kvHead * headDim;
        int bound = F.loopBound(headDim);
        if (VectorMath.WIDE && bound == headDim) {
            scoresWide(q, qOff, group, headDim, headOffset, cache, blockTable, ctxLen, scale, scores);
        } else {
            scoresGeneric(q, qOff, group, headDim, headOffset, cache, blockTable, ctxLen, scale, scores);
        }
        for (int g = 0; g < group; g++) {
            Softmax.inPlace(scores, g * ctxLen, ctxLen);
        }
        weightedValues(group, headDim, headOffset, cache, blockTable, ctxLen, scores, out, outOff);
    }

    /** Element offset of slot 0 of block {@code blk} for the head at {@code headOffset}. */
    private static long blockBase(CacheView c, int[] blockTable, int blk, int headOffset) {
        return c.layerBase() + (long) blockTable[blk] * c.blockStride() + headOffset;
    }

    private static void scoresGeneric(float[] q, int qOff, int group, int headDim, int headOffset, CacheView cache,
                                      int[] blockTable, int ctxLen, float scale, float[] scores) {
        int bound = F.loopBound(headDim);
        int bs = cache.blockSize();
        for (int j0 = 0, blk = 0; j0 < ctxLen; j0 += bs, blk++) {
            long base = blockBase(cache, blockTable, blk, headOffset);
            int n = Math.min(bs, ctxLen - j0);
            for (int sl = 0; sl < n; sl++) {
                long kOff = (base + (long) sl * cache.slotStride()) * 4;
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
                    scores[g * ctxLen + j0 + sl] = s * scale;
                }
            }
        }
    }

    /**
     * {@code out[g] = Σ_j p[g][j] · v[j]} for each head g of the group: up to four vectors of a head
     * are accumulated in registers over all positions, then stored once (the V rows are read
     * again for each head, from cache, rather than the outputs being reloaded for each position).
     */
    private static void weightedValues(int group, int headDim, int headOffset, CacheView cache, int[] blockTable,
                                       int ctxLen, float[] scores, float[] out, int outOff) {
        MemorySegment v = cache.v();
        int bound = F.loopBound(headDim);
        int bs = cache.blockSize();
        long slot = cache.slotStride();
        for (int g = 0; g < group; g++) {
            int p0 = g * ctxLen;
            int o = outOff + g * headDim;
            int d = 0;
            for (; d + 4 * L <= bound; d += 4 * L) {
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                for (int j0 = 0, blk = 0; j0 < ctxLen; j0 += bs, blk++) {
                    long base = (blockBase(cache, blockTable, blk, headOffset) + d) * 4;
                    int n = Math.min(bs, ctxLen - j0);
                    for (int sl = 0; sl < n; sl++) {
                        long off = base + sl * slot * 4;
                        FloatVector p = FloatVector.broadcast(F, scores[p0 + j0 + sl]);
                        a0 = p.fma(FloatVector.fromMemorySegment(F, v, off, NATIVE), a0);
                        a1 = p.fma(FloatVector.fromMemorySegment(F, v, off + 4L * L, NATIVE), a1);
                        a2 = p.fma(FloatVector.fromMemorySegment(F, v, off + 8L * L, NATIVE), a2);
                        a3 = p.fma(FloatVector.fromMemorySegment(F, v, off + 12L * L, NATIVE), a3);
                    }
                }
                a0.intoArray(out, o + d);
                a1.intoArray(out, o + d + L);
                a2.intoArray(out, o + d + 2 * L);
                a3.intoArray(out, o + d + 3 * L);
            }
            for (; d < bound; d += L) {
                FloatVector a0 = FloatVector.zero(F);
                for (int j0 = 0, blk = 0; j0 < ctxLen; j0 += bs, blk++) {
                    long base = (blockBase(cache, blockTable, blk, headOffset) + d) * 4;
                    int n = Math.min(bs, ctxLen - j0);
                    for (int sl = 0; sl < n; sl++) {
                        a0 = FloatVector.broadcast(F, scores[p0 + j0 + sl])
                                .fma(FloatVector.fromMemorySegment(F, v, base + sl * slot * 4, NATIVE), a0);
                    }
                }
                a0.intoArray(out, o + d);
            }
            for (; d < headDim; d++) {
                float acc = 0;
                for (int j0 = 0, blk = 0; j0 < ctxLen; j0 += bs, blk++) {
                    long base = blockBase(cache, blockTable, blk, headOffset) + d;
                    int n = Math.min(bs, ctxLen - j0);
                    for (int sl = 0; sl < n; sl++) {
                        acc += scores[p0 + j0 + sl] * v.get(FLOAT, (base + sl * slot) * 4);
                    }
                }
                out[o + d] = acc;
            }
        }
    }

    /**
     * q·k for every key, four keys at a time, with the 4-way butterfly of {@link VectorMath}
     * written inline (no vector leaves the method, so nothing is boxed). Same sums, bit for bit,
     * as the generic path.
     */
    private static void scoresWide(float[] q, int qOff, int group, int headDim, int headOffset, CacheView cache,
                                   int[] blockTable, int ctxLen, float scale, float[] scores) {
        MemorySegment k = cache.k();
        int bs = cache.blockSize();
        long slot = cache.slotStride() * 4L;
        for (int g = 0; g < group; g++) {
            int qo = qOff + g * headDim;
            int row = g * ctxLen;
            for (int j0 = 0, blk = 0; j0 < ctxLen; j0 += bs, blk++) {
                long base = blockBase(cache, blockTable, blk, headOffset) * 4;
                int n = Math.min(bs, ctxLen - j0);
                int sl = 0;
                for (; sl + 4 <= n; sl += 4) {
                    long k0 = base + sl * slot;
                    long k1 = k0 + slot;
                    long k2 = k1 + slot;
                    long k3 = k2 + slot;
                    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                    for (int d = 0; d < headDim; d += L) {
                        FloatVector qv = FloatVector.fromArray(F, q, qo + d);
                        a0 = qv.fma(FloatVector.fromMemorySegment(F, k, k0 + 4L * d, NATIVE), a0);
                        a1 = qv.fma(FloatVector.fromMemorySegment(F, k, k1 + 4L * d, NATIVE), a1);
                        a2 = qv.fma(FloatVector.fromMemorySegment(F, k, k2 + 4L * d, NATIVE), a2);
                        a3 = qv.fma(FloatVector.fromMemorySegment(F, k, k3 + 4L * d, NATIVE), a3);
                    }
                    FloatVector x = a0.blend(a1, VectorMath.M8)
                            .add(a0.rearrange(VectorMath.S8).blend(a1.rearrange(VectorMath.S8), VectorMath.M8));
                    FloatVector y = a2.blend(a3, VectorMath.M8)
                            .add(a2.rearrange(VectorMath.S8).blend(a3.rearrange(VectorMath.S8), VectorMath.M8));
                    FloatVector z = x.blend(y, VectorMath.M4)
                            .add(x.rearrange(VectorMath.S4).blend(y.rearrange(VectorMath.S4), VectorMath.M4));
                    z = z.add(z.rearrange(VectorMath.S2));
                    z = z.add(z.rearrange(VectorMath.S1));
                    int j = row + j0 + sl;
                    scores[j] = z.lane(0) * scale;
                    scores[j + 1] = z.lane(8) * scale;
                    scores[j + 2] = z.lane(4) * scale;
                    scores[j + 3] = z.lane(12) * scale;
                }
                for (; sl < n; sl++) {
                    long k0 = base + sl * slot;
                    FloatVector a0 = FloatVector.zero(F);
                    for (int d = 0; d < headDim; d += L) {
                        a0 = FloatVector.fromArray(F, q, qo + d).fma(FloatVector.fromMemorySegment(F, k, k0 + 4L * d, NATIVE), a0);
                    }
                    a0 = a0.add(a0.rearrange(VectorMath.S8));
                    a0 = a0.add(a0.rearrange(VectorMath.S4));
                    a0 = a0.add(a0.rearrange(VectorMath.S2));
                    a0 = a0.add(a0.rearrange(VectorMath.S1));
                    scores[row + j0 + sl] = a0.lane(0) * scale;
                }
            }
        }
    }
}
