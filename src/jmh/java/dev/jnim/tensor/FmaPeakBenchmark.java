package dev.jnim.tensor;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compute ceiling: vector FMAs on registers only (12 independent chains hide the FMA latency), one
 * thread and two. GFLOP/s per thread = {@code 2 · lanes · 12 · ITERATIONS / ns-per-op}; with
 * 16-lane vectors and {@code ITERATIONS = 1<<16} that is {@code 25,166 / µs-per-op}. Comparing
 * the two runs tells whether the processors the JVM sees have their own FMA units (two threads
 * each keep their speed) or share one core (each gets half): batched decode is bound by this.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FmaPeakBenchmark {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int ITERATIONS = 1 << 16;

    private final float[] seed = {1.0001f, 0.9999f, 1e-7f};

    @Benchmark
    @Threads(1)
    public float oneThread() {
        return chains();
    }

    @Benchmark
    @Threads(2)
    public float twoThreads() {
        return chains();
    }

    private float chains() {
        FloatVector m = FloatVector.broadcast(F, seed[0]);
        FloatVector c = FloatVector.broadcast(F, seed[2]);
        FloatVector a0 = FloatVector.broadcast(F, seed[1]), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < ITERATIONS; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
