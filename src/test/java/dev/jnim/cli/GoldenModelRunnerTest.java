package dev.jnim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.tensor.ComputePool;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text golden cases (copied from the shared fixtures) pass within the reference's tolerance. */
class GoldenModelRunnerTest {

    private static ComputePool pool;

    @BeforeAll
    static void start() {
        pool = new ComputePool(2);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    static Path golden(String name) throws Exception {
        return Path.of(GoldenModelRunnerTest.class.getResource("/golden/" + name).toURI());
    }

    private static void assertAllPass(GoldenModelRunner.Report r) {
        assertThat(r.unsupported()).isNull();
        assertThat(r.checks()).extracting(GoldenModelRunner.Check::name)
                .containsExactly("logits", "generate_step_logits", "greedy_ids");
        for (GoldenModelRunner.Check c : r.checks()) {
            assertThat(c.pass()).as(c.name() + ": " + c.detail()).isTrue();
        }
        // Expect around 1e-5 (README): far inside the 1e-4 tolerance, a wrong eps/rope would be 1e-3+.
        assertThat(r.checks().get(0).maxAbs()).isLessThan(5e-5);
        assertThat(r.passed()).isTrue();
    }

    @Test
    void llamaWithLlama3RopeAndTiedEmbeddings() throws Exception {
        assertAllPass(GoldenModelRunner.run(golden("llama-gqa-llama3rope-tied"), false, pool));
    }

    @Test
    void llamaWithBf16Weights() throws Exception {
        GoldenModelRunner.Report r = GoldenModelRunner.run(golden("llama-gqa-llama3rope-tied"), true, pool);
        assertThat(r.weights()).isEqualTo("bf16");
        assertAllPass(r);
    }

    @Test
    void qwen2WithQkvBiasAndUntiedHead() throws Exception {
        assertAllPass(GoldenModelRunner.run(golden("qwen2-qkvbias"), false, pool));
    }

    @Test
    void llavaWithClipTowerAndMlpProjector() throws Exception {
        GoldenModelRunner.Report r = GoldenModelRunner.run(golden("llava-clip-mlp"), false, pool);
        assertThat(r.checks()).extracting(GoldenModelRunner.Check::name).containsExactly("image_features_vision",
                "image_features_projected", "logits", "generate_step_logits", "greedy_ids");
        for (GoldenModelRunner.Check c : r.checks()) {
            assertThat(c.pass()).as(c.name() + ": " + c.detail()).isTrue();
        }
        assertThat(r.checks().get(0).maxAbs()).isLessThan(2e-5);
    }

    @Test
    void idefics3WithSplitTilesAndPixelShuffle() throws Exception {
        GoldenModelRunner.Report r = GoldenModelRunner.run(golden("idefics3-split-tiles"), false, pool);
        assertThat(r.checks()).hasSize(5);
        for (GoldenModelRunner.Check c : r.checks()) {
            assertThat(c.pass()).as(c.name() + ": " + c.detail()).isTrue();
        }
    }

    @Test
    void qwen2VlWithMultimodalRope() throws Exception {
        for (boolean bf16 : new boolean[] {false, true}) {
            GoldenModelRunner.Report r = GoldenModelRunner.run(golden("qwen2vl-mrope-dynres"), bf16, pool);
            assertThat(r.checks()).extracting(GoldenModelRunner.Check::name).contains("mrope_position_ids",
                    "rope_deltas", "logits", "greedy_ids");
            for (GoldenModelRunner.Check c : r.checks()) {
                assertThat(c.pass()).as(c.name() + ": " + c.detail()).isTrue();
            }
        }
    }

    @Test
    void mllamaWithTilesAndGatedCrossAttention() throws Exception {
        GoldenModelRunner.Report r = GoldenModelRunner.run(golden("mllama-tiles-crossattn"), false, pool);
        assertThat(r.checks()).extracting(GoldenModelRunner.Check::name).containsExactly("image_features_vision",
                "image_features_projected", "cross_attention_mask", "logits", "generate_step_logits", "greedy_ids");
        for (GoldenModelRunner.Check c : r.checks()) {
            assertThat(c.pass()).as(c.name() + ": " + c.detail()).isTrue();
        }
        // Expect around 1e-5: a wrong gate, mask or eps gives 1e-3 and more on this tiny random model.
        assertThat(r.checks().get(3).maxAbs()).isLessThan(5e-5);
        assertThat(r.passed()).isTrue();
    }

    @Test
    void aWrongMllamaVisionModelFailsTheCase(@TempDir Path dir) throws Exception {
        // One global vision layer fewer: the checker must notice from the vision features on.
        Path src = golden("mllama-tiles-crossattn");
        copyCase(src, dir);
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"num_global_layers\": 2", "\"num_global_layers\": 1"));
        GoldenModelRunner.Report r = GoldenModelRunner.run(dir, false, pool);
        assertThat(r.checks().get(0).pass()).as("vision features without the last global layer").isFalse();
        assertThat(r.passed()).isFalse();
    }

    private static void copyCase(Path src, Path dir) throws Exception {
        try (var files = Files.walk(src)) {
            for (Path p : files.toList()) {
                Path dst = dir.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst);
                }
            }
        }
    }

    @Test
    void unsupportedArchitectureIsReportedNotRun(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("case.json"), "{\"name\":\"x\",\"expected\":{}}");
        Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"GemmaForCausalLM\"]}");
        GoldenModelRunner.Report r = GoldenModelRunner.run(dir, false, pool);
        assertThat(r.unsupported()).startsWith("unsupported architecture: GemmaForCausalLM")
                .contains("LlamaForCausalLM", "Qwen2ForCausalLM", "LlavaForConditionalGeneration",
                        "Idefics3ForConditionalGeneration", "Qwen2VLForConditionalGeneration",
                        "MllamaForConditionalGeneration");
        assertThat(r.passed()).isFalse();
    }

    @Test
    void aWrongModelFailsTheCase(@TempDir Path dir) throws Exception {
        // Same case, but rms_norm_eps changed: the checker must notice (it is not a test that cannot fail).
        Path src = golden("qwen2-qkvbias");
        try (var files = Files.walk(src)) {
            for (Path p : files.toList()) {
                Path dst = dir.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst);
                }
            }
        }
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"rms_norm_eps\": 1e-06", "\"rms_norm_eps\": 1e-02"));
        GoldenModelRunner.Report r = GoldenModelRunner.run(dir, false, pool);
        assertThat(r.checks().get(0).pass()).isFalse();
        assertThat(r.passed()).isFalse();
    }
}
