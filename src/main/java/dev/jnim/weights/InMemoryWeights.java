package dev.jnim.weights;

import dev.jnim.tensor.DType;
import dev.jnim.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Tensors held off-heap in memory rather than mapped from a file: random weights for benchmarks
 * and tests ({@link #addRandom}), or tensors built by code. Not thread-safe while being filled;
 * read-only afterwards.
 */
public final class InMemoryWeights implements WeightSource {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String origin;
    private final Arena arena = Arena.ofShared();
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    public InMemoryWeights(String origin) {
        this.origin = origin;
    }

    /**
     * Adds a tensor of normally distributed values {@code mean + std·N(0,1)}, stored as {@code dtype}
     * (F32, BF16 rounded to nearest even, or F16).
     */
    public InMemoryWeights addRandom(String name, DType dtype, double mean, double std, SplittableRandom rng,
                                     long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        MemorySegment seg = arena.allocate(n * dtype.elementBytes(), 64);
        for (long i = 0; i < n; i++) {
            float v = (float) (mean + std * gaussian(rng));
            switch (dtype) {
                case F32 -> seg.set(F32, i * 4, v);
                case BF16 -> seg.set(I16, i * 2, toBf16(v));
                case F16 -> seg.set(I16, i * 2, Float.floatToFloat16(v));
                default -> throw new IllegalArgumentException("random tensors are F32, BF16 or F16, not " + dtype);
            }
        }
        tensors.put(name, new Tensor(name, dtype, shape, seg));
        return this;
    }

    /** Rounds a float to bfloat16 bits (round to nearest even), as torch's {@code .to(torch.bfloat16)}. */
    public static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller: SplittableRandom has no nextGaussian with a stable algorithm across JDKs.
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Override
    public Optional<Tensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public void close() {
        tensors.clear();
        arena.close();
    }
}
