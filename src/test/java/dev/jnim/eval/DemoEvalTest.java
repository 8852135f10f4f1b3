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
 * <p>The floors are what the current model reliably reaches on 40 scenes (its 500-scene table is in the
 * README: background 99.8%, count 86.4%, colour 55.8%), NOT the target of 90% on colour, shape, count and
 * position, which this model does not reach yet; raise them when a better-trained model lands.
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
                DemoQuestion.Type.COUNT, 0.6, DemoQuestion.Type.COLOUR, 0.35);
        assertThat(report.answers()).hasSizeGreaterThan(200);
        floors.forEach((type, floor) ->
                assertThat(scores.get(type).accuracy()).as(type + "\n" + report.table(10)).isGreaterThanOrEqualTo(floor));
    }
}
