package dev.jnim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.kv.KvCache;
import dev.jnim.model.CausalLM;
import dev.jnim.model.ImageInput;
import dev.jnim.model.LoadOptions;
import dev.jnim.model.ModelConfig;
import dev.jnim.model.ModelRegistry;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.Npy;
import dev.jnim.weights.SafetensorsFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The final event's timestamps (what tracing turns into spans) are ordered and mark the stages that ran. */
class EngineTimingsTest {

    @Test
    void stagesOfAnImageRequestAndOfARepeatFromTheEncoderCache() throws Exception {
        Path dir = Path.of(EngineTimingsTest.class.getResource("/golden/llava-clip-mlp").toURI());
        int[] ids = Arrays.stream(Npy.read(dir.resolve("inputs/input_ids.npy")).longs()).mapToInt(l -> (int) l).toArray();
        Npy px = Npy.read(dir.resolve("inputs/pixel_values.npy"));
        int[] sh = px.shape();
        int per = sh[sh.length - 1] * sh[sh.length - 2] * sh[sh.length - 3];
        ImageInput image = new ImageInput(px.floats(), px.floats().length / per, null, 42);
        try (ComputePool pool = new ComputePool(2);
             CausalLM model = ModelRegistry.load(ModelConfig.load(dir), SafetensorsFile.open(dir.resolve("model.safetensors")),
                     LoadOptions.of(pool));
             Engine e = new Engine(model, new KvCache(model.kvLayout(), 64), EngineConfig.defaults(1024, 8), null,
                     Set.of())) {
            GenerationRequest r = GenerationRequest.of("img", ids, SamplingParams.GREEDY, 3).withIgnoreEos(true)
                    .withImages(List.of(image));
            EngineEvent.Timings t = EngineTest.collect(e.submit(r)).finished().timings();
            assertThat(t).isNotNull();
            assertThat(new long[] {t.arrivedNanos(), t.scheduledNanos(), t.encodeStartNanos(), t.encodeEndNanos(),
                    t.firstTokenNanos(), t.finishedNanos()}).isSorted().doesNotContain(0L);
            EngineEvent.Timings again = EngineTest.collect(e.submit(r)).finished().timings();
            assertThat(again.encodeStartNanos()).as("encoder cache hit: no encoding").isZero();
            assertThat(again.scheduledNanos()).isBetween(again.arrivedNanos(), again.firstTokenNanos());
            assertThat(again.firstTokenNanos()).isLessThanOrEqualTo(again.finishedNanos());
        }
    }
}
