package dev.jnim.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jnim bench serve}: a small closed-loop load generator for a running service. Each of
 * {@code --concurrency} clients sends short non-streaming chat requests back to back; prints
 * requests/s and latency percentiles. Sends only to the URL it is given (loopback by default).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Requests/s and p50/p99 latency of short chat requests at a fixed concurrency.")
final class BenchServeCommand implements Callable<Integer> {

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8000", description = "Service base URL. Default: ${DEFAULT-VALUE}.")
    String url;

    @Option(names = "--model", required = true, description = "A served model name.")
    String model;

    @Option(names = "--concurrency", defaultValue = "64", description = "Clients in flight. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--requests", defaultValue = "640", description = "Requests in total (after warm-up). Default: ${DEFAULT-VALUE}.")
    int requests;

    @Option(names = "--max-tokens", defaultValue = "16", description = "max_tokens per request. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Override
    public Integer call() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens + ",\"ignore_eos\":true,"
                + "\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"Say something short.\"}]}";
        HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                .timeout(Duration.ofMinutes(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        run(client, req, Math.min(requests, concurrency)); // warm-up: JIT and connections
        long t0 = System.nanoTime();
        long[] latencies = run(client, req, requests);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Arrays.sort(latencies);
        System.out.printf("%d requests, concurrency %d, max_tokens %d: %.1f requests/s, %.0f tokens/s, "
                        + "latency p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", requests, concurrency, maxTokens,
                requests / seconds, requests * (double) maxTokens / seconds, pct(latencies, 50), pct(latencies, 99),
                latencies[latencies.length - 1] / 1e6);
        return 0;
    }

    private long[] run(HttpClient client, HttpRequest req, int total) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long[] lat = new long[total];
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                fs.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < total) {
                        long s = System.nanoTime();
                        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                        }
                        lat[i] = System.nanoTime() - s;
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        return lat;
    }

    private static double pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, i)] / 1e6;
    }
}
