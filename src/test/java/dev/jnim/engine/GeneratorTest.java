package dev.jnim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.kv.BlockPool;
import dev.jnim.kv.KvCache;
import dev.jnim.model.CausalLM;
import dev.jnim.model.LoadOptions;
import dev.jnim.model.ModelConfig;
import dev.jnim.model.ModelRegistry;
import dev.jnim.model.RandomModels;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratorTest {

    @Test
    void batchedGenerationEqualsOneByOneAndReturnsEveryBlock() {
        ModelConfig cfg = RandomModels.shape("tiny");
        try (ComputePool pool = new ComputePool(2);
             CausalLM model = ModelRegistry.load(cfg, RandomModels.weights(cfg, DType.F32, 1), LoadOptions.of(pool));
             KvCache cache = new KvCache(model.kvLayout(), 32)) {
            BlockPool blocks = new BlockPool(32);
            Generator g = new Generator(model, cache, blocks);
            List<int[]> prompts = List.of(new int[] {1, 2, 3}, new int[] {7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                    21, 22, 23}, new int[] {5});
            List<SamplingParams> params = List.of(SamplingParams.GREEDY, SamplingParams.temperature(0.8, 7L),
                    SamplingParams.temperature(1.2, 99L));
            List<Generator.Generation> together = g.generate(prompts, params, 20, false);
            assertThat(blocks.freeCount()).isEqualTo(32);
            for (int i = 0; i < prompts.size(); i++) {
                Generator.Generation alone = g.generate(List.of(prompts.get(i)), List.of(params.get(i)), 20, false).get(0);
                assertThat(together.get(i).tokens()).as("prompt %d", i).isEqualTo(alone.tokens());
            }
            assertThat(blocks.freeCount()).isEqualTo(32);
        }
    }
}
