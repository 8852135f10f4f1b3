package dev.jnim.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.weights.InMemoryWeights;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatMulTest {

    private static ComputePool pool;

    @BeforeAll
    static void start() {
        pool = new ComputePool(3); // more threads than cores: exercises the hand-off paths
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    private static Matrix random(DType dtype, int rows, int cols, long seed) {
        InMemoryWeights w = new InMemoryWeights("test");
        w.addRandom("w", dtype, 0, 0.5, new SplittableRandom(seed), rows, cols);
        return Matrix.of(w.get("w"));
    }

    private static float[] randomActivations(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    @ParameterizedTest(name = "{0} rows={1} cols={2} T={3}")
    @CsvSource({
        "F32, 37, 100, 1", "F32, 64, 64, 4", "F32, 70, 131, 17", "F32, 42, 64, 45",
        "BF16, 33, 96, 1", "BF16, 48, 576, 8", "BF16, 65, 200, 64", "BF16, 38, 96, 70",
        "F16, 20, 48, 3", "F16, 40, 80, 9",
        "Q8_0, 36, 64, 1", "Q8_0, 38, 1536, 1", "Q8_0, 40, 96, 1", "Q8_0, 64, 576, 5", "Q8_0, 21, 160, 64"})
    void vectorKernelMatchesScalarReference(DType dtype, int rows, int cols, int T) {
        Matrix w = dtype == DType.Q8_0 ? random(DType.F32, rows, cols, 7).quantizeQ8_0() : random(dtype, rows, cols, 7);
        float[] x = randomActivations(T * cols, 11);
        float[] got = new float[T * rows];
        float[] want = new float[T * rows];
        MatMul.matmul(pool, x, T, w, got);
        MatMul.reference(x, T, w, want);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("element %d", i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(
                    1e-5f * (1 + Math.abs(want[i])) * (float) Math.sqrt(cols)));
        }
    }

    @ParameterizedTest(name = "cols={0}")
    @CsvSource({"64", "576", "1536"})
    void q8ErrorStaysWithinHalfAQuantisationStep(int cols) {
        int rows = 32;
        int T = 3;
        Matrix f = random(DType.F32, rows, cols, 3);
        Matrix q = f.quantizeQ8_0();
        float[] x = randomActivations(T * cols, 5);
        float[] exact = new float[T * rows];
        float[] quant = new float[T * rows];
        MatMul.reference(x, T, f, exact);
        MatMul.matmul(pool, x, T, q, quant);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            RowDecoder.decodeScalar(f, r, row, 0);
            for (int t = 0; t < T; t++) {
                // |Σ (w - ŵ)·x| ≤ Σ (scale_block / 2)·|x|, with scale = max|w| / 127 per block of 32.
                double bound = 0;
                for (int b = 0; b < cols / 32; b++) {
                    float amax = 0;
                    for (int j = 0; j < 32; j++) {
                        amax = Math.max(amax, Math.abs(row[b * 32 + j]));
                    }
                    for (int j = 0; j < 32; j++) {
                        bound += amax / 127.0 / 2 * Math.abs(x[t * cols + b * 32 + j]);
                    }
                }
                double err = Math.abs(quant[t * rows + r] - exact[t * rows + r]);
                assertThat(err).isLessThanOrEqualTo(bound + 1e-4);
                assertThat(err).isGreaterThan(0); // quantisation really happened
            }
        }
        assertThat(q.bytes()).isEqualTo((long) rows * cols + rows * cols / 32 * 4);
    }

    @ParameterizedTest(name = "{0} T={1}")
    @CsvSource({"BF16, 1", "BF16, 5", "BF16, 33", "Q8_0, 2", "Q8_0, 9", "Q8_0, 40", "F32, 3", "F32, 17", "F16, 6"})
    void resultForOneTokenDoesNotDependOnTheBatch(DType dtype, int T) {
        Matrix w = dtype == DType.Q8_0 ? random(DType.BF16, 50, 128, 9).quantizeQ8_0() : random(dtype, 50, 128, 9);
        float[] x = randomActivations(T * 128, 13);
        float[] all = new float[T * 50];
        MatMul.matmul(pool, x, T, w, all);
        for (int t = 0; t < T; t++) {
            float[] one = new float[50];
            float[] xt = java.util.Arrays.copyOfRange(x, t * 128, (t + 1) * 128);
            MatMul.matmul(pool, xt, 1, w, one);
            assertThat(java.util.Arrays.copyOfRange(all, t * 50, (t + 1) * 50)).isEqualTo(one);
        }
    }

    @ParameterizedTest(name = "{0} T={1}")
    @CsvSource({"BF16, 1", "BF16, 7", "BF16, 40", "Q8_0, 1", "Q8_0, 12", "F32, 1", "F32, 5"})
    void severalWeightsInOneTaskGiveTheSameBitsAsSeparateCalls(DType dtype, int T) {
        int cols = 192;
        Matrix[] ws = new Matrix[3];
        int[] rows = {96, 32, 35};
        for (int i = 0; i < 3; i++) {
            ws[i] = dtype == DType.Q8_0 ? random(DType.F32, rows[i], cols, 20 + i).quantizeQ8_0()
                    : random(dtype, rows[i], cols, 20 + i);
        }
        float[] x = randomActivations(T * cols, 4);
        float[][] together = new float[3][];
        for (int i = 0; i < 3; i++) {
            together[i] = new float[T * rows[i]];
        }
        MatMul.matmulAll(pool, x, T, ws, together);
        for (int i = 0; i < 3; i++) {
            float[] alone = new float[T * rows[i]];
            MatMul.matmul(pool, x, T, ws[i], alone);
            assertThat(together[i]).as("matrix %d", i).isEqualTo(alone);
        }
    }
}
