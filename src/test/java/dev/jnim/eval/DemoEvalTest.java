package dev.jnim.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.config.Settings;
import dev.jnim.hardware.HardwareDetector;
import dev.jnim.server.JnimServer;
import dev.jnim.server.ServerOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded demo model served over HTTP answers questions about 40 held-out Java2D scenes far above chance:
 * the whole pipeline (data URL, decode, CLIP processor, template, tokenizer, LLaVA forward, detokenizer) works
 * on meaning, not only on numbers. A broken image path drops the background answers to chance (1 in 3) and the
 * colour answers to about 1 in 9.
 *
 * <p>The floors are the bar for this sample: 90% on colour, shape, count and position questions and on
 * descriptions that name every object with its colour (the model's 500-scene table in the README is 99-100% on
 * each), and on the background. The issue sets no bar for text; the floors for digits (80%) and words (60%,
 * against 1 in 8 by chance) sit below the model's 500-scene figures (97% and 91%).
 */
class DemoEvalTest {

    @TempDir
    static Path dir;
    static JnimServer server;

    @BeforeAll
    static void start() throws Exception {
        DemoModelFiles.copyTo(dir);
        Map<String, String> env = Map.of("NIM_SERVER_PORT", "0", "NIM_KVCACHE_PERCENT", "0.002", "NIM_NUM_THREADS", "2");
        Settings s = Settings.fromEnv(env);
        long mem = HardwareDetector.system().detect(s).memory().availableBytes();
        server = JnimServer.start(ServerOptions.of(s, dir, List.of("jnim/demo-vlm"), false, mem).withHost("127.0.0.1"));
        server.loadModel();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    @Test
    void answersQuestionsAboutHeldOutJava2dScenesOverHttp() throws Exception {
        URI base = URI.create("http://127.0.0.1:" + server.port());
        EvalReport report = new DemoEvaluator(new DemoEvaluator.Options(base, "jnim/demo-vlm", 40, 7, 128, 8,
                Duration.ofSeconds(120))).run();
        var scores = report.scores();
        Map<DemoQuestion.Type, Double> floors = Map.of(DemoQuestion.Type.BACKGROUND, 0.9,
                DemoQuestion.Type.COUNT, 0.9, DemoQuestion.Type.COLOUR, 0.9, DemoQuestion.Type.SHAPE, 0.9,
                DemoQuestion.Type.POSITION, 0.9, DemoQuestion.Type.DESCRIBE, 0.9, DemoQuestion.Type.NUMBER, 0.8,
                DemoQuestion.Type.WORD, 0.6);
        assertThat(report.answers()).hasSizeGreaterThan(200);
        floors.forEach((type, floor) ->
                assertThat(scores.get(type).accuracy()).as(type + "\n" + report.table(10)).isGreaterThanOrEqualTo(floor));
    }
}
