package dev.jnim.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * A serving benchmark against any OpenAI-compatible server: for each concurrency level, a closed
 * loop of streaming requests ({@link ClosedLoop}), measured per request ({@link StreamingClient})
 * and summarised per level ({@link LevelReport}). Talks to {@link LoadSettings#baseUrl()} only and
 * never follows redirects.
 *
 * <p>Threads: {@link #run} is called by one thread; the HTTP client and the watchdog timer are
 * shared by the workers it starts and closed by {@link #close()}.
 */
public final class LoadGenerator implements AutoCloseable {

    private final LoadSettings settings;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http;
    private final ScheduledThreadPoolExecutor timer;

    public LoadGenerator(LoadSettings settings) {
        this.settings = settings;
        Duration connect = settings.requestTimeout().compareTo(Duration.ofSeconds(30)) < 0
                ? settings.requestTimeout() : Duration.ofSeconds(30);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connect)
                .build();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "loadgen-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // most watchdogs are cancelled; do not keep them queued
    }

    /**
     * Runs the warm-up and every level; {@code onLevel} gets each level's report as soon as it is done.
     *
     * @throws LoadgenException when no model is given and {@code GET /v1/models} does not name one
     */
    public BenchReport run(Consumer<LevelReport> onLevel) throws LoadgenException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + settings.maxDuration().toNanos();
        String model = settings.model() != null ? settings.model()
                : ModelDiscovery.firstModel(http, json, settings.baseUrl(), settings.apiKey(), settings.requestTimeout());
        var client = new StreamingClient(http, json, timer, settings, model);
        var prompts = new PromptFactory(settings.seed(), settings.promptTokens(), settings.sharedPrefix());

        var warmupFailures = new ArrayList<String>();
        for (int i = 0; i < settings.warmupRequests(); i++) {
            // Negative ids: warm-up prompts never repeat a measured one (which a prefix cache would favour).
            if (client.send(prompts.prompt(-1L - i), deadline) instanceof RequestResult.Failure f) {
                warmupFailures.add(f.label() + ": " + f.message());
            }
        }
        var levels = new ArrayList<LevelReport>();
        var skipped = new ArrayList<Integer>();
        long firstId = 0;
        for (int c : settings.concurrency()) {
            if (System.nanoTime() >= deadline) {
                skipped.add(c);
                continue;
            }
            LevelReport level = ClosedLoop.run(client, prompts, firstId, c, settings.requests(), deadline);
            firstId += settings.requests();
            levels.add(level);
            onLevel.accept(level);
        }
        return new BenchReport(settings, model, levels, skipped, warmupFailures, (System.nanoTime() - start) / 1e9);
    }

    /** The settings this generator runs with. */
    public LoadSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        http.shutdownNow();
    }
}
