package dev.jnim.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorMathTest {

    @Test
    void expIsWithinTwoUlpOfMathExpOverTheUsefulRange() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 200_000; i++) {
            float x = (float) (r.nextDouble() * 175 - 87);
            float want = (float) Math.exp(x);
            float got = VectorMath.exp(x);
            assertThat(Math.abs(got - want)).as("exp(%s)", x).isLessThanOrEqualTo(2 * Math.ulp(want));
        }
        assertThat(VectorMath.exp(0f)).isEqualTo(1f);
        assertThat(VectorMath.exp(-100f)).isZero();
        assertThat(VectorMath.exp(Float.NEGATIVE_INFINITY)).isZero();
        assertThat(VectorMath.exp(100f)).isInfinite();
    }

    @Test
    void sumAddsAllLanesInAFixedOrder() {
        float[] a = new float[FloatVector.SPECIES_PREFERRED.length()];
        double want = 0;
        for (int i = 0; i < a.length; i++) {
            a[i] = 1.0f / (i + 1);
            want += a[i];
        }
        float s = VectorMath.sum(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, a, 0));
        assertThat((double) s).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void softmaxMatchesTheDefinition() {
        float[] x = new float[37];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i) * 5;
        }
        double max = -1e9;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double z = 0;
        for (float v : x) {
            z += Math.exp(v - max);
        }
        float[] y = x.clone();
        Softmax.inPlace(y, 0, y.length);
        for (int i = 0; i < x.length; i++) {
            assertThat((double) y[i]).isCloseTo(Math.exp(x[i] - max) / z, org.assertj.core.data.Offset.offset(1e-7));
        }
    }

    @Test
    void siluMulMatchesTheDefinition() {
        float[] g = new float[41];
        float[] u = new float[41];
        for (int i = 0; i < g.length; i++) {
            g[i] = i - 20.5f;
            u[i] = 0.5f + i;
        }
        float[] out = g.clone();
        Activations.siluMul(out, u, g.length);
        for (int i = 0; i < g.length; i++) {
            double want = g[i] / (1 + Math.exp(-g[i])) * u[i];
            assertThat((double) out[i]).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6 * (1 + Math.abs(want))));
        }
    }
}
