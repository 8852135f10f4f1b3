package dev.jnim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.eval.DemoModelFiles;
import dev.jnim.tensor.ComputePool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded demo model computes in jnim what the training recipe's PyTorch LLaVA computed
 * (tools/demo-model/export.py wrote the case): image features, projected features, logits at every prompt
 * position, cached step logits and greedy ids, within the golden README's float32 tolerances.
 */
class DemoModelGoldenTest {

    @TempDir
    Path dir;

    @Test
    void javaEngineMatchesTheRecipesPyTorchModel() throws Exception {
        Path golden = Path.of(DemoModelGoldenTest.class.getResource("/golden/demo-vlm").toURI());
        DemoModelFiles.copyTo(dir);
        try (Stream<Path> files = Files.walk(golden)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve(golden.relativize(p).toString());
                Files.createDirectories(target.getParent());
                Files.copy(p, target);
            }
        }
        try (ComputePool pool = new ComputePool(2)) {
            GoldenModelRunner.Report r = GoldenModelRunner.run(dir, false, pool);
            assertThat(r.unsupported()).isNull();
            assertThat(r.checks()).extracting(GoldenModelRunner.Check::name).containsExactly("image_features_vision",
                    "image_features_projected", "logits", "generate_step_logits", "greedy_ids");
            for (GoldenModelRunner.Check c : r.checks()) {
                assertThat(c.pass()).as(c.name() + ": " + c.detail()).isTrue();
            }
        }
    }
}
