package dev.jnim.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures how fast the compute pool can stream memory: the ceiling for a decode step, which
 * must read every weight once. Reads an off-heap region far larger than the caches with vector
 * loads on all pool threads.
 */
public final class ReadBandwidth {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private ReadBandwidth() {
    }

    /** A region of {@code bytes} filled with non-zero data (so every page is really committed). */
    public static OffHeap.Region prepare(long bytes) {
        OffHeap.Region r = OffHeap.allocate(bytes);
        r.segment().fill((byte) 1);
        return r;
    }

    /** Reads the whole region once on the pool; returns a checksum so the reads cannot be elided. */
    public static float readOnce(ComputePool pool, MemorySegment seg) {
        int chunkBytes = 1 << 20;
        int chunks = (int) (seg.byteSize() / chunkBytes);
        float[] partial = new float[chunks];
        pool.parallelFor(chunks, 4, (s, e) -> {
            for (int c = s; c < e; c++) {
                long base = (long) c * chunkBytes;
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                int step = F.vectorByteSize();
                for (long off = 0; off < chunkBytes; off += 4L * step) {
                    a0 = a0.add(FloatVector.fromMemorySegment(F, seg, base + off, ByteOrder.LITTLE_ENDIAN));
                    a1 = a1.add(FloatVector.fromMemorySegment(F, seg, base + off + step, ByteOrder.LITTLE_ENDIAN));
                    a2 = a2.add(FloatVector.fromMemorySegment(F, seg, base + off + 2L * step, ByteOrder.LITTLE_ENDIAN));
                    a3 = a3.add(FloatVector.fromMemorySegment(F, seg, base + off + 3L * step, ByteOrder.LITTLE_ENDIAN));
                }
                partial[c] = VectorMath.sum(a0.add(a1).add(a2).add(a3));
            }
        });
        float total = 0;
        for (float p : partial) {
            total += p;
        }
        return total;
    }

    /** Median read bandwidth in bytes/s over {@code runs} passes of a {@code bytes} region. */
    public static double measure(ComputePool pool, long bytes, int runs) {
        try (OffHeap.Region r = prepare(bytes)) {
            readOnce(pool, r.segment()); // warm-up: JIT and TLB
            double[] rates = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                readOnce(pool, r.segment());
                rates[i] = bytes / ((System.nanoTime() - t0) / 1e9);
            }
            java.util.Arrays.sort(rates);
            return rates[runs / 2];
        }
    }
}
