package dev.jnim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnim.kv.KvLayout;
import dev.jnim.model.DecoderConfig;
import dev.jnim.model.ModelConfig;
import dev.jnim.model.RandomModels;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ServingLimitsTest {

    private final ModelConfig shape = RandomModels.shape("smollm2-135m");
    private final DecoderConfig model = DecoderConfig.parse(shape.json(), shape.source(), false);
    private final KvLayout layout = new KvLayout(30, 3, 64); // 46,080 bytes per token
    private static final long GIB = 1L << 30;

    @Test
    void defaultsComeFromTheModelAndTheFreeMemory() {
        ServingLimits l = ServingLimits.derive(model, layout, 270_000_000L, 8 * GIB, 0.9, OptionalInt.empty(), false,
                OptionalInt.empty(), 512);
        assertThat(l.maxModelLen()).isEqualTo(8192);
        long free = 8 * GIB - 270_000_000L - ServingLimits.activationBytes(model, 512);
        assertThat(l.kv().blocks()).isEqualTo((int) ((long) (free * 0.9) / layout.bytesPerBlock()));
        assertThat(l.maxNumSeqs()).isEqualTo(Math.min(256, l.kv().blocks() / 64));
        assertThat(l.kv().maxConcurrency()).isCloseTo(l.kv().blocks() / 512.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void explicitValuesWinAndALongerModelLengthNeedsConsent() {
        ServingLimits l = ServingLimits.derive(model, layout, 0, 4 * GIB, 0.5, OptionalInt.of(2048), false,
                OptionalInt.of(7), 256);
        assertThat(l.maxModelLen()).isEqualTo(2048);
        assertThat(l.maxNumSeqs()).isEqualTo(7);
        assertThatThrownBy(() -> ServingLimits.derive(model, layout, 0, 4 * GIB, 0.5, OptionalInt.of(10_000), false,
                OptionalInt.empty(), 256)).hasMessageContaining("NIM_MAX_MODEL_LEN=10000").hasMessageContaining("8192");
        assertThat(ServingLimits.derive(model, layout, 0, 4 * GIB, 0.5, OptionalInt.of(10_000), true,
                OptionalInt.empty(), 256).maxModelLen()).isEqualTo(10_000);
    }

    @Test
    void tooLittleMemoryNamesTheVariablesToChange() {
        assertThatThrownBy(() -> ServingLimits.derive(model, layout, 270_000_000L, 400_000_000L, 0.9,
                OptionalInt.empty(), false, OptionalInt.empty(), 512))
                .hasMessageContaining("NIM_MAX_MODEL_LEN=8192").hasMessageContaining("NIM_KVCACHE_PERCENT");
        assertThatThrownBy(() -> ServingLimits.derive(model, layout, 0, GIB, 0, OptionalInt.empty(), false,
                OptionalInt.empty(), 512)).hasMessageContaining("NIM_KVCACHE_PERCENT must be in (0, 1]");
    }
}
