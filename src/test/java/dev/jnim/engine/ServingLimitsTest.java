package dev.jnim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnim.kv.ImageKvLayout;
import dev.jnim.kv.KvLayout;
import dev.jnim.kv.KvSplit;
import dev.jnim.model.DecoderConfig;
import dev.jnim.model.ModelConfig;
import dev.jnim.model.RandomModels;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.assertj.core.data.Offset;
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

    // Llama 3.2 11B Vision: 40 text layers of which 8 cross-attention, 8 KV heads of 128; 4 tiles of 1,601 tokens.
    private final DecoderConfig vision = DecoderConfig.parse(json("""
            {"hidden_size":4096,"intermediate_size":14336,"num_hidden_layers":40,"num_attention_heads":32,
             "num_key_value_heads":8,"vocab_size":128256,"max_position_embeddings":131072}"""), null, false);
    private final KvLayout text = new KvLayout(32, 8, 128);
    private final ImageKvLayout images = new ImageKvLayout(8, 8, 128, 4 * 1601);

    private static com.fasterxml.jackson.databind.JsonNode json(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCrossAttentionModelSplitsTheMemorySoBothPoolsAdmitTheSameRequests() {
        // The seed's advice for ISL 2000 + OSL 500 with 75% image requests: 2500 / 0.75.
        ServingLimits l = ServingLimits.derive(vision, text, images, 0, 64 * GIB, 0.9, OptionalInt.of(8192), false,
                OptionalInt.empty(), 512, OptionalDouble.of(2500 / 0.75));
        KvSplit s = l.split();
        double img = 6404.0 * images.bytesPerToken();
        assertThat(s.imageFraction()).isCloseTo(img / (img + 2500 / 0.75 * text.bytesPerToken()), Offset.offset(1e-12));
        assertThat(l.kv()).isSameAs(s.text());
        assertThat(s.text().bytes() + s.imagePoolBytes()).isLessThanOrEqualTo(s.budgetBytes());
        assertThat(s.textPoolRequests()).isCloseTo(s.imagePoolRequests(), Offset.offset(1.0));
        assertThat(s.imageSlots()).isGreaterThan(10);
        l.log(); // the startup lines format without error
    }

    @Test
    void unsetTheTargetIsATypicalLengthRaisedUntilOneFullSequenceFits() {
        ServingLimits small = ServingLimits.derive(vision, text, images, 0, 64 * GIB, 0.9, OptionalInt.of(8192), false,
                OptionalInt.empty(), 512, OptionalDouble.empty());
        assertThat(small.split().targetLen()).isEqualTo(1024);
        assertThat(small.split().targetSet()).isFalse();
        // At the model's 131,072 tokens one sequence needs 32 GiB of the ~57.3: L is raised to the smallest value
        // whose text share holds it (r·I·b_img / (b_txt·(1 − r)) with r = 32 GiB / M, about 2,026 here).
        ServingLimits full = ServingLimits.derive(vision, text, images, 0, 64 * GIB, 0.9, OptionalInt.empty(), false,
                OptionalInt.empty(), 512, OptionalDouble.empty());
        double r = 131_072.0 * text.bytesPerToken() / full.split().budgetBytes();
        double min = r * 6404 * images.bytesPerToken() / (text.bytesPerToken() * (1 - r));
        assertThat(full.split().targetLen()).isEqualTo(Math.ceil(min)).isGreaterThan(1024);
        assertThat(full.kv().tokens()).isGreaterThanOrEqualTo(131_072);
        assertThatThrownBy(() -> ServingLimits.derive(vision, text, images, 0, 64 * GIB, 0.9, OptionalInt.empty(),
                false, OptionalInt.empty(), 512, OptionalDouble.of(1500)))
                .hasMessageContaining("NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN=1500 is too low")
                .hasMessageContaining("at least " + (long) Math.ceil(min))
                .hasMessageContaining("NIM_MAX_MODEL_LEN=131072");
    }
}
