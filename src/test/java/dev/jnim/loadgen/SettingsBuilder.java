package dev.jnim.loadgen;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Test defaults for {@link LoadSettings}: small, fast runs; each test changes what it checks. */
final class SettingsBuilder {
    URI url;
    List<Integer> concurrency = List.of(1);
    int requests = 4;
    int promptTokens = 16;
    int maxTokens = 4;
    int sharedPrefix;
    String model = "m";
    Endpoint endpoint = Endpoint.CHAT;
    long seed = 7;
    boolean ignoreEos = true;
    Duration timeout = Duration.ofSeconds(10);
    Duration maxDuration = Duration.ofSeconds(60);
    String apiKey;
    int warmup;

    SettingsBuilder(URI url) {
        this.url = url;
    }

    LoadSettings build() {
        return new LoadSettings(url, concurrency, requests, promptTokens, maxTokens, sharedPrefix, model, endpoint, seed,
                0.0, ignoreEos, timeout, maxDuration, apiKey, warmup);
    }

    BenchReport run() throws Exception {
        try (var g = new LoadGenerator(build())) {
            return g.run(level -> { });
        }
    }
}
