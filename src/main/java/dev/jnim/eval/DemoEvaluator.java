package dev.jnim.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Asks a running jnim (or any OpenAI-compatible VLM service) the demo questions about freshly rendered scenes
 * through {@code POST /v1/chat/completions}, greedy, one image per request as a PNG data URL, and scores the
 * answers ({@link DemoQuestion#judge}). Requests run {@code concurrency} at a time on virtual threads, so the
 * server's continuous batching is exercised as a real client would.
 */
public final class DemoEvaluator {

    /** What to evaluate. {@code seed} picks the scenes; training used Python's generator, so any seed is held out. */
    public record Options(URI baseUrl, String model, int scenes, long seed, int imageSize, int concurrency,
                          Duration timeout) {
        public Options {
            if (scenes < 1) {
                throw new IllegalArgumentException("scenes must be at least 1, got " + scenes);
            }
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
            }
        }
    }

    /** One asked question and what came back. */
    public record Answer(int scene, DemoQuestion question, String answer, boolean correct) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double TEXT_PROBABILITY = 0.5;

    private final Options options;
    private final HttpClient client;

    public DemoEvaluator(Options options) {
        this.options = options;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The scenes of this evaluation, in order (deterministic for a seed). */
    public static List<Scene> scenes(long seed, int count) {
        Random rng = new Random(seed);
        List<Scene> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(Scene.random(rng, TEXT_PROBABILITY));
        }
        return out;
    }

    /** Runs every question of every scene and returns the scored answers in scene order. */
    public EvalReport run() throws IOException, InterruptedException {
        SceneRenderer renderer = new SceneRenderer(options.imageSize());
        List<Scene> scenes = scenes(options.seed(), options.scenes());
        Semaphore inFlight = new Semaphore(options.concurrency());
        List<Future<Answer>> futures = new ArrayList<>();
        try (ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < scenes.size(); i++) {
                Scene scene = scenes.get(i);
                String url = "data:image/png;base64," + Base64.getEncoder().encodeToString(renderer.png(scene));
                for (DemoQuestion q : DemoQuestion.forScene(scene)) {
                    int index = i;
                    inFlight.acquire();
                    futures.add(exec.submit(() -> {
                        try {
                            String a = ask(url, q.question());
                            return new Answer(index, q, a, q.judge(a));
                        } finally {
                            inFlight.release();
                        }
                    }));
                }
            }
            List<Answer> answers = new ArrayList<>(futures.size());
            for (Future<Answer> f : futures) {
                try {
                    answers.add(f.get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException(cause.getMessage(), cause);
                }
            }
            return new EvalReport(scenes.size(), answers);
        }
    }

    /** One greedy chat completion; the assistant's text. */
    String ask(String imageUrl, String question) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", options.model());
        body.put("max_tokens", 64);
        body.put("temperature", 0.0);
        ObjectNode msg = body.putArray("messages").addObject();
        msg.put("role", "user");
        var content = msg.putArray("content");
        content.addObject().put("type", "image_url").putObject("image_url").put("url", imageUrl);
        content.addObject().put("type", "text").put("text", question);
        HttpRequest req = HttpRequest.newBuilder(options.baseUrl().resolve("/v1/chat/completions"))
                .timeout(options.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        HttpResponse<String> res = client.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IOException("POST " + req.uri() + " answered " + res.statusCode() + ": " + res.body());
        }
        JsonNode text = JSON.readTree(res.body()).path("choices").path(0).path("message").path("content");
        if (!text.isTextual()) {
            throw new IOException("POST " + req.uri() + " returned no choices[0].message.content: " + res.body());
        }
        return text.asText();
    }

    /** The first model id {@code GET /v1/models} lists. */
    public static String firstModel(URI baseUrl) throws IOException, InterruptedException {
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> res;
        try {
            res = c.send(HttpRequest.newBuilder(baseUrl.resolve("/v1/models")).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IOException("no service at " + baseUrl + " (start one with ./jnim serve, or pass --url)", e);
        }
        if (res.statusCode() != 200) {
            throw new IOException("GET " + baseUrl.resolve("/v1/models") + " answered " + res.statusCode() + ": " + res.body());
        }
        JsonNode id = JSON.readTree(res.body()).path("data").path(0).path("id");
        if (!id.isTextual()) {
            throw new IOException("GET /v1/models lists no model: " + res.body());
        }
        return id.asText();
    }
}
