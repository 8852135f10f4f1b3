package dev.jnim.tensor;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Read-bandwidth probe: one pass over 1 GiB off-heap with vector loads on all cores.
 * GB/s = 1.074 / (ms / 1000). The decode ceiling of a model is this divided by its weight bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReadBandwidthBenchmark {

    private ComputePool pool;
    private OffHeap.Region region;

    @Setup(Level.Trial)
    public void setup() {
        pool = ComputePool.forAvailableProcessors();
        region = ReadBandwidth.prepare(1L << 30);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        region.close();
        pool.close();
    }

    @Benchmark
    public float read1GiB() {
        return ReadBandwidth.readOnce(pool, region.segment());
    }
}
