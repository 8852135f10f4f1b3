package dev.jnim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.kv.KvCache;
import dev.jnim.model.CausalLM;
import dev.jnim.model.LoadOptions;
import dev.jnim.model.ModelConfig;
import dev.jnim.model.ModelRegistry;
import dev.jnim.model.RandomModels;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.DType;
import dev.jnim.tokenizer.LoadedTokenizer;
import dev.jnim.tokenizer.TokenizerLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Streamed text equals the full decode, and stop strings end generation without being emitted. */
class EngineTextTest {

    @Test
    void streamedTextAndStopStrings() throws Exception {
        Path dir = Path.of(getClass().getResource("/golden/tokenizers/mistral_v0_1").toURI());
        ModelConfig tiny = RandomModels.shape("tiny");
        ((ObjectNode) tiny.json()).put("vocab_size", 32000);
        try (LoadedTokenizer tok = TokenizerLoader.load(dir);
             ComputePool pool = new ComputePool(2);
             CausalLM model = ModelRegistry.load(tiny, RandomModels.weights(tiny, DType.BF16, 11), LoadOptions.of(pool));
             Engine e = new Engine(model, new KvCache(model.kvLayout(), 64), EngineConfig.defaults(1024, 8),
                     tok.tokenizer(), Set.of(2))) {
            int[] prompt = tok.tokenizer().encode("The quick brown fox jumps over", true);
            GenerationRequest base = GenerationRequest.of("t", prompt, SamplingParams.GREEDY, 40).withIgnoreEos(true);
            EngineTest.Result full = EngineTest.collect(e.submit(base));
            String decoded = tok.tokenizer().decode(full.ids(), true);
            assertThat(full.text()).isEqualTo(decoded);
            assertThat(decoded.length()).isGreaterThan(20);

            // A stop string taken from the middle of the text (it may span several tokens).
            int at = decoded.length() / 2;
            String stop = decoded.substring(at, Math.min(decoded.length(), at + 4));
            int first = decoded.indexOf(stop);
            EngineTest.Result stopped = EngineTest.collect(e.submit(base.withStops(Set.of(), List.of(stop))));
            assertThat(stopped.finished().reason()).isEqualTo(FinishReason.STOP);
            assertThat(stopped.text()).isEqualTo(decoded.substring(0, first));
            assertThat(stopped.ids().length).isLessThan(full.ids().length);
        }
    }
}
