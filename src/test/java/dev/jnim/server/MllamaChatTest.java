package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.config.Settings;
import dev.jnim.hardware.HardwareDetector;
import dev.jnim.tensor.Npy;
import dev.jnim.tokenizer.LoadedTokenizer;
import dev.jnim.tokenizer.TokenizerLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Llama 3.2 Vision golden served over HTTP: the chat path renders the user message with its image first
 * (the request sends it after the text), the real image processor prepares the PNG, the engine runs the image
 * through the image KV pool, and the answer is the reference's greedy continuation. The pools show in the metrics.
 */
class MllamaChatTest {

    @TempDir
    static Path dir;
    static JnimServer server;
    static Http http;
    static String png;
    static String expectedText;

    @BeforeAll
    static void start() throws Exception {
        Path golden = Path.of(MllamaChatTest.class.getResource("/golden/mllama-tiles-crossattn").toURI());
        for (String f : new String[] {"config.json", "model.safetensors", "preprocessor_config.json"}) {
            Files.copy(golden.resolve(f), dir.resolve(f));
        }
        writeTokenizer(dir);
        png = "data:image/png;base64," + Base64.getEncoder().encodeToString(
                Files.readAllBytes(golden.resolve("images/wide_90x40.png")));
        Map<String, String> env = new HashMap<>(Map.of("NIM_SERVER_PORT", "0", "NIM_KVCACHE_PERCENT", "0.001",
                "NIM_NUM_THREADS", "2", "NIM_SERVED_MODEL_NAME", "mllama", "NIM_MAX_MODEL_LEN", "512",
                "NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN", "600"));
        Settings s = Settings.fromEnv(env);
        long mem = HardwareDetector.system().detect(s).memory().availableBytes();
        server = JnimServer.start(ServerOptions.of(s, dir, s.server().servedModelNames(), false, mem)
                .withHost("127.0.0.1"));
        server.loadModel();
        http = new Http(server.port());
        long[] greedy = Npy.read(golden.resolve("expected/greedy_ids.npy")).longs();
        try (LoadedTokenizer tok = TokenizerLoader.load(dir)) {
            expectedText = tok.tokenizer().decode(Arrays.stream(greedy).mapToInt(l -> (int) l).toArray(), true);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    /** The goldens' byte-level vocabulary (id = byte) with the Llama 3.2 Vision specials at 256..263. */
    private static void writeTokenizer(Path d) throws Exception {
        List<ByteLevelTokenizer.Added> added = List.of("<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>",
                "<|start_header_id|>", "<|end_header_id|>", "<|finetune_right_pad_id|>", "<|python_tag|>", "<|image|>")
                .stream().map(c -> new ByteLevelTokenizer.Added(c, true)).toList();
        ObjectNode cfg = ByteLevelTokenizer.config();
        cfg.put("bos_token", "<|begin_of_text|>").put("eos_token", "<|eot_id|>");
        // Each message's parts in order, as the Llama 3.2 Vision template writes them (headers left out).
        cfg.put("chat_template", "{{ bos_token }}{% for m in messages %}{% if m['content'] is string %}"
                + "{{ m['content'] }}{% else %}{% for p in m['content'] %}{% if p['type'] == 'image' %}<|image|>"
                + "{% else %}{{ p['text'] }}{% endif %}{% endfor %}{% endif %}{% endfor %}");
        ByteLevelTokenizer.write(d, added, cfg);
    }

    @Test
    void theImageMovesToTheFrontOfItsMessageAndTheAnswerIsTheReferences() throws Exception {
        // Rendered: <|begin_of_text|>Look at this picture. <|image|>If I had ... would be: , the golden prompt.
        String body = "{\"model\":\"mllama\",\"max_tokens\":8,\"temperature\":0,\"ignore_eos\":true,\"messages\":["
                + "{\"role\":\"system\",\"content\":\"Look at this picture. \"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"If I had to write a haiku for it, it "
                + "would be: \"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + png + "\"}}]}]}";
        Http.Response r = http.post("/v1/chat/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/choices/0/message/content").asText()).isEqualTo(expectedText);
        assertThat(r.json().at("/usage/prompt_tokens").asInt()).isEqualTo(71); // one token for the image
        assertThat(r.json().at("/usage/completion_tokens").asInt()).isEqualTo(8);
        String metrics = http.get("/v1/metrics").body();
        assertThat(metrics).contains("jnim_image_kv_cache_total_images{model_name=\"mllama\"}")
                .contains("jnim_requests_waiting_image_kv{model_name=\"mllama\"} 0.0");
        assertThat(server.model().limits().split()).isNotNull();
        assertThat(server.model().limits().split().targetLen()).isEqualTo(600);
        assertThat(server.model().engine().stats().imageTotalSlots())
                .isEqualTo(server.model().limits().split().imageSlots()).isPositive();
    }
}
