package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.jnim.config.Settings;
import dev.jnim.hardware.HardwareDetector;
import dev.jnim.tensor.Npy;
import dev.jnim.tokenizer.LoadedTokenizer;
import dev.jnim.tokenizer.TokenizerLoader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Images end to end over HTTP: the golden LLaVA model served with a byte-level tokenizer whose
 * chat template renders the golden prompt, so an image sent as a data URL or fetched from an
 * allowed local URL must give exactly the reference's greedy tokens; and every rejection is a 400
 * naming the image while the server stays healthy.
 */
class ImageChatTest {

    @TempDir
    static Path dir;
    static JnimServer server;
    static Http http;
    static HttpServer images;
    static byte[] photo;
    static String expectedText;

    @BeforeAll
    static void start() throws Exception {
        Path golden = Path.of(ImageChatTest.class.getResource("/golden/llava-clip-mlp").toURI());
        for (String f : new String[] {"config.json", "model.safetensors", "preprocessor_config.json"}) {
            Files.copy(golden.resolve(f), dir.resolve(f));
        }
        Files.writeString(dir.resolve("processor_config.json"), "{\"processor_class\":\"LlavaProcessor\","
                + "\"patch_size\":8,\"vision_feature_select_strategy\":\"default\",\"num_additional_image_tokens\":1}");
        writeByteLevelTokenizer(dir);
        photo = Files.readAllBytes(golden.resolve("images/photo_48x40.jpg"));
        images = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        images.createContext("/photo.jpg", ex -> {
            ex.sendResponseHeaders(200, photo.length);
            ex.getResponseBody().write(photo);
            ex.close();
        });
        images.createContext("/redirect", ex -> {
            ex.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        images.start();
        Map<String, String> env = new HashMap<>(Map.of("NIM_SERVER_PORT", "0", "NIM_KVCACHE_PERCENT", "0.002",
                "NIM_NUM_THREADS", "2", "NIM_SERVED_MODEL_NAME", "llava", "NIM_MAX_IMAGES_PER_PROMPT", "2",
                "NIM_ALLOWED_MEDIA_DOMAINS", "localhost"));
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
        if (images != null) {
            images.stop(0);
        }
    }

    /** The goldens' byte-level vocabulary (id = byte; 256.. = specials; extra ids up to 319 as plain tokens). */
    private static void writeByteLevelTokenizer(Path d) throws Exception {
        String[] specials = {"<s>", "</s>", "<unk>", "<image>", "<pad>"};
        List<ByteLevelTokenizer.Added> added = new ArrayList<>();
        for (int i = 0; i < 320 - 256; i++) {
            added.add(new ByteLevelTokenizer.Added(i < specials.length ? specials[i] : "<x" + (256 + i) + ">",
                    i < specials.length && i != 3));
        }
        ObjectNode cfg = ByteLevelTokenizer.config();
        cfg.put("bos_token", "<s>").put("eos_token", "</s>").put("add_bos_token", false);
        cfg.put("chat_template", "{{ bos_token }}{% for m in messages %}{{ m['role'] | upper }}: {% for p in m['content'] %}"
                + "{% if p['type'] == 'image' %}<image>\n{% else %}{{ p['text'] }}{% endif %}{% endfor %} {% endfor %}"
                + "ASSISTANT:");
        ByteLevelTokenizer.write(d, added, cfg);
    }

    private static String request(String url) {
        return "{\"model\":\"llava\",\"max_tokens\":8,\"temperature\":0,\"ignore_eos\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url + "\"}},"
                + "{\"type\":\"text\",\"text\":\"What is shown in this image?\"}]}]}";
    }

    private static String dataUrl() {
        return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(photo);
    }

    @Test
    void aBase64ImageGivesTheReferenceAnswer() throws Exception {
        Http.Response r = http.post("/v1/chat/completions", request(dataUrl()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/choices/0/message/content").asText()).isEqualTo(expectedText);
        assertThat(r.json().at("/usage/prompt_tokens").asInt()).isEqualTo(63); // 16 image tokens included
        assertThat(r.json().at("/usage/completion_tokens").asInt()).isEqualTo(8);
    }

    @Test
    void anAllowedUrlIsFetchedAndARepeatedImageHitsTheEncoderCache() throws Exception {
        String url = "http://localhost:" + images.getAddress().getPort() + "/photo.jpg";
        long before = server.model().engine().stats().encoderCacheHits();
        Http.Response r = http.post("/v1/chat/completions", request(url));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/choices/0/message/content").asText()).isEqualTo(expectedText);
        Http.Response again = http.post("/v1/chat/completions", request(dataUrl()));
        assertThat(again.json().at("/choices/0/message/content").asText()).isEqualTo(expectedText);
        assertThat(server.model().engine().stats().encoderCacheHits()).isGreaterThan(before);
        String metrics = http.get("/v1/metrics").body();
        assertThat(metrics).containsPattern("jnim_encoder_cache_hits_total\\{[^}]*\\} [1-9]")
                .containsPattern("jnim_encoder_images_total\\{[^}]*\\} [1-9]")
                .containsPattern("jnim_encoder_seconds_total\\{[^}]*\\} [0-9.eE-]+");
    }

    @Test
    void theOfficialOpenAiClientSendsImagesAsDataAndHttpUrls() {
        com.openai.client.OpenAIClient client = com.openai.client.okhttp.OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey("unused").build();
        String fetched = "http://localhost:" + images.getAddress().getPort() + "/photo.jpg";
        for (String url : new String[] {dataUrl(), fetched}) {
            var image = com.openai.models.chat.completions.ChatCompletionContentPart.ofImageUrl(
                    com.openai.models.chat.completions.ChatCompletionContentPartImage.builder()
                            .imageUrl(com.openai.models.chat.completions.ChatCompletionContentPartImage.ImageUrl.builder()
                                    .url(url).build()).build());
            var text = com.openai.models.chat.completions.ChatCompletionContentPart.ofText(
                    com.openai.models.chat.completions.ChatCompletionContentPartText.builder()
                            .text("What is shown in this image?").build());
            var params = com.openai.models.chat.completions.ChatCompletionCreateParams.builder().model("llava")
                    .maxCompletionTokens(8).temperature(0.0)
                    .putAdditionalBodyProperty("ignore_eos", com.openai.core.JsonValue.from(true))
                    .addUserMessageOfArrayOfContentParts(java.util.List.of(image, text)).build();
            var c = client.chat().completions().create(params);
            assertThat(c.choices().getFirst().message().content()).as(url.substring(0, 20)).hasValue(expectedText);
            assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(63);
        }
        var bad = com.openai.models.chat.completions.ChatCompletionCreateParams.builder().model("llava")
                .maxCompletionTokens(2).addUserMessageOfArrayOfContentParts(java.util.List.of(
                        com.openai.models.chat.completions.ChatCompletionContentPart.ofImageUrl(
                                com.openai.models.chat.completions.ChatCompletionContentPartImage.builder()
                                        .imageUrl(com.openai.models.chat.completions.ChatCompletionContentPartImage.ImageUrl
                                                .builder().url("http://127.0.0.1:1/x.png").build()).build()))).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.chat().completions().create(bad))
                .isInstanceOf(com.openai.errors.BadRequestException.class).hasMessageContaining("messages[0].content[0]");
    }

    @Test
    void twoImagesInOneMessageExpandBothPlaceholders() throws Exception {
        String body = "{\"model\":\"llava\",\"max_tokens\":3,\"temperature\":0,\"ignore_eos\":true,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + dataUrl() + "\"}},"
                + "{\"type\":\"text\",\"text\":\"and\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://localhost:" + images.getAddress().getPort()
                + "/photo.jpg\"}}]}]}";
        Http.Response r = http.post("/v1/chat/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        // "<s>USER: " + 16 image tokens + "\nand" + 16 image tokens + "\n ASSISTANT:" (byte-level tokens).
        int text = 1 + "USER: ".length() + "\nand".length() + "\n ASSISTANT:".length();
        assertThat(r.json().at("/usage/prompt_tokens").asInt()).isEqualTo(text + 32);
        assertThat(r.json().at("/usage/completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void rejectionsAre400NamingTheImageAndTheServerStaysHealthy() {
        String port = String.valueOf(images.getAddress().getPort());
        Map<String, String> cases = Map.of(
                "http://127.0.0.1:" + port + "/photo.jpg", "NIM_ALLOWED_MEDIA_DOMAINS",
                "http://localhost:" + port + "/redirect", "NIM_ALLOWED_MEDIA_DOMAINS",
                "file:///etc/passwd", "only http, https and data",
                "data:image/png;base64,%%%%", "not valid base64",
                "data:image/png;base64," + Base64.getEncoder().encodeToString("not an image".getBytes()), "content[0]",
                "http://localhost:" + port + "/missing.jpg", "404");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Http.Response r = http.post("/v1/chat/completions", request(c.getKey()));
            assertThat(r.status()).as(c.getKey() + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().at("/error/message").asText()).as(c.getKey()).contains(c.getValue());
            assertThat(r.json().at("/error/param").asText()).as(c.getKey()).startsWith("messages[0].content[0]");
        }
        String three = "{\"model\":\"llava\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":["
                + ("{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + dataUrl() + "\"}},").repeat(3)
                + "{\"type\":\"text\",\"text\":\"?\"}]}]}";
        Http.Response r = http.post("/v1/chat/completions", three);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/message").asText()).contains("NIM_MAX_IMAGES_PER_PROMPT");
        assertThat(http.get("/v1/health/ready").status()).isEqualTo(200);
        assertThat(http.post("/v1/chat/completions", request(dataUrl())).status()).isEqualTo(200);
    }
}
