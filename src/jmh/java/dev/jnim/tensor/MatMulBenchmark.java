package dev.jnim.tensor;

import dev.jnim.weights.InMemoryWeights;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Matrix multiply of an activation batch [T × 1536] by a weight [4096 × 1536] (24 MB in f32), on
 * all cores. Report: GFLOP/s = 2·T·rows·cols / time; GB/s = weight bytes / time.
 * Run: {@code ./jnim bench jmh MatMulBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MatMulBenchmark {

    @Param({"F32", "BF16", "Q8_0"})
    public String dtype;

    @Param({"1", "4", "8", "16", "64"})
    public int tokens;

    /**
     * Weight shape {@code ROWSxCOLS}: the default is a 7B-class MLP slice; {@code 1536x576} is
     * SmolLM2-135M's gate/up projection (the shape `bench model` runs).
     */
    @Param({"4096x1536"})
    public String shape;

    private int rows;
    private int cols;

    private ComputePool pool;
    private Matrix w;
    private float[] x;
    private float[] out;

    @Setup(Level.Trial)
    public void setup() {
        String[] rc = shape.split("x");
        rows = Integer.parseInt(rc[0]);
        cols = Integer.parseInt(rc[1]);
        pool = ComputePool.forAvailableProcessors();
        DType d = DType.valueOf(dtype);
        InMemoryWeights src = new InMemoryWeights("bench");
        src.addRandom("w", d == DType.Q8_0 ? DType.BF16 : d, 0, 0.05, new SplittableRandom(1), rows, cols);
        w = Matrix.of(src.get("w"));
        // As models load them: Q8_0 quantised, BF16 repacked into panels.
        w = d == DType.Q8_0 ? w.quantizeQ8_0() : w.packPanels();
        x = new float[tokens * cols];
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        out = new float[tokens * rows];
        System.out.printf("%n[setup] %s T=%d: %.1f MB of weights, %.2f GFLOP per call%n", dtype, tokens,
                w.bytes() / 1e6, 2.0 * tokens * rows * cols / 1e9);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float[] matmul() {
        MatMul.matmul(pool, x, tokens, w, out);
        return out;
    }
}
