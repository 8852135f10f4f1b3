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
        assertMatchesReference(w, randomActivations(T * cols, 11), T);
    }

    /** Multiplies on the pool and checks every element against the scalar double-precision reference; returns the result. */
    private static float[] assertMatchesReference(Matrix w, float[] x, int T) {
        int cols = w.cols();
        float[] got = new float[T * w.rows()];
        float[] want = new float[T * w.rows()];
        MatMul.matmul(pool, x, T, w, got);
        MatMul.reference(x, T, w, want);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("element %d", i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(
                    1e-5f * (1 + Math.abs(want[i])) * (float) Math.sqrt(cols)));
        }
        return got;
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

    /** Rows of 1-3 panels with a partial last one; T below and above the interleaved-token path, with partial groups. */
    @ParameterizedTest(name = "{0} rows={1} cols={2} T={3}")
    @CsvSource({
        "BF16, 16, 64, 1", "BF16, 33, 96, 3", "BF16, 50, 576, 11", "BF16, 47, 130, 12", "BF16, 70, 192, 37",
        "BF16, 96, 64, 64", "BF16, 5, 32, 20",
        "Q8_0, 17, 64, 12", "Q8_0, 70, 192, 37", "Q8_0, 5, 32, 20", "Q8_0, 96, 64, 70"})
    void panelLayoutMatchesTheRowMajorMatrix(DType dtype, int rows, int cols, int T) {
        Matrix rowMajor = random(dtype == DType.Q8_0 ? DType.F32 : dtype, rows, cols, 31);
        Matrix w = dtype == DType.Q8_0 ? rowMajor.quantizeQ8_0() : rowMajor.packPanels();
        assertThat(w.panels()).isTrue();
        float[] a = new float[cols];
        float[] b = new float[cols];
        for (int r = 0; r < rows; r++) { // every element lands where the decoder looks for it
            RowDecoder.decodeRow(w, r, a, 0);
            RowDecoder.decodeScalar(rowMajor, r, b, 0);
            if (dtype == DType.Q8_0) {
                quantiseRow(b);
            }
            assertThat(a).as("row %d", r).isEqualTo(b);
        }
        float[] x = randomActivations(T * cols, 17);
        float[] got = assertMatchesReference(w, x, T);
        for (int t = 0; t < T; t++) { // and each token's bits do not depend on the batch around it
            float[] one = new float[rows];
            MatMul.matmul(pool, java.util.Arrays.copyOfRange(x, t * cols, (t + 1) * cols), 1, w, one);
            assertThat(java.util.Arrays.copyOfRange(got, t * rows, (t + 1) * rows)).as("token %d", t).isEqualTo(one);
        }
    }

    /** GGML's Q8_0 round trip of a row, written out here: per block of 32, scale = max|x| / 127, q = round(x / scale). */
    private static void quantiseRow(float[] row) {
        for (int b = 0; b < row.length; b += 32) {
            float amax = 0;
            for (int j = b; j < b + 32; j++) {
                amax = Math.max(amax, Math.abs(row[j]));
            }
            float scale = amax / 127f;
            for (int j = b; j < b + 32; j++) {
                row[j] = scale == 0 ? 0 : scale * (byte) Math.max(-127, Math.min(127, Math.round(row[j] * (1f / scale))));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void packedAndRowMajorWeightsInOneCallEachGetTheirOwnKernel() {
        int cols = 64;
        Matrix packed = random(DType.BF16, 40, cols, 3).packPanels();
        Matrix plain = random(DType.BF16, 24, cols, 4);
        float[] x = randomActivations(13 * cols, 6);
        float[][] together = {new float[13 * 40], new float[13 * 24]};
        MatMul.matmulAll(pool, x, 13, new Matrix[] {packed, plain}, together);
        float[] alone = new float[13 * 40];
        MatMul.matmul(pool, x, 13, packed, alone);
        assertThat(together[0]).isEqualTo(alone);
        alone = new float[13 * 24];
        MatMul.matmul(pool, x, 13, plain, alone);
        assertThat(together[1]).isEqualTo(alone);
        assertThat(packed.bytes()).isEqualTo(Panels.paddedRows(40) * cols * 2); // whole panels (48 rows with 16 lanes)
    }
}
