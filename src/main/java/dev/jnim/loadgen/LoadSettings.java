package dev.jnim.loadgen;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Everything a load run needs; validated on construction.
 *
 * @param baseUrl        the server's base URL, scheme://host:port with no trailing {@code /v1}
 *                       (see {@link #normalizeBaseUrl(String)}); every request goes there and
 *                       nowhere else
 * @param concurrency    the levels to run, in order; each is the number of closed-loop workers
 * @param requests       requests per level
 * @param promptTokens   approximate prompt length (words, see {@link PromptFactory})
 * @param maxTokens      {@code max_tokens} of every request
 * @param sharedPrefix   words of the prompt prefix shared by every request, 0 for none
 * @param model          the model name, or null to take the first of {@code GET /v1/models}
 * @param ignoreEos      send {@code ignore_eos: true} (vLLM, NIM, jnim, llama.cpp honour it) so
 *                       that every request generates {@code maxTokens} tokens
 * @param requestTimeout per-request limit, headers and whole stream included
 * @param maxDuration    limit of the whole run, warm-up included
 * @param apiKey         sent as {@code Authorization: Bearer}, or null; never printed
 * @param warmupRequests requests sent one at a time before the first level and not measured
 */
public record LoadSettings(URI baseUrl, List<Integer> concurrency, int requests, int promptTokens, int maxTokens,
                           int sharedPrefix, String model, Endpoint endpoint, long seed, double temperature,
                           boolean ignoreEos, Duration requestTimeout, Duration maxDuration, String apiKey,
                           int warmupRequests) {

    public LoadSettings {
        concurrency = List.copyOf(concurrency);
        if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("concurrency levels must be at least 1: " + concurrency);
        }
        if (requests < 1) {
            throw new IllegalArgumentException("requests must be at least 1: " + requests);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max tokens must be at least 1: " + maxTokens);
        }
        if (promptTokens < 1 || sharedPrefix < 0 || sharedPrefix >= promptTokens) {
            throw new IllegalArgumentException("need prompt tokens >= 1 and 0 <= shared prefix < prompt tokens: "
                    + promptTokens + ", " + sharedPrefix);
        }
        if (!(temperature >= 0)) {
            throw new IllegalArgumentException("temperature must be >= 0: " + temperature);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero() || maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (apiKey != null && (apiKey.isEmpty() || apiKey.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f))) {
            // A control character would be refused by the HTTP client inside every worker; say it once.
            throw new IllegalArgumentException("the API key is empty or contains control characters");
        }
        if (warmupRequests < 0) {
            throw new IllegalArgumentException("warm-up requests must be >= 0: " + warmupRequests);
        }
    }

    /**
     * Accepts {@code http://host:port}, with or without a trailing slash or {@code /v1}
     * (OpenAI clients are often configured with the {@code /v1} base), and returns it without them.
     */
    public static URI normalizeBaseUrl(String url) {
        String s = url.strip();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith("/v1")) {
            s = s.substring(0, s.length() - 3);
        }
        URI uri = URI.create(s);
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("--url must be an http(s) URL such as http://127.0.0.1:8000: " + url);
        }
        return uri;
    }

    /** The key is redacted: settings get logged and printed. */
    @Override
    public String toString() {
        return "LoadSettings[baseUrl=" + baseUrl + ", concurrency=" + concurrency + ", requests=" + requests
                + ", promptTokens=" + promptTokens + ", maxTokens=" + maxTokens + ", sharedPrefix=" + sharedPrefix
                + ", model=" + model + ", endpoint=" + endpoint + ", seed=" + seed + ", temperature=" + temperature
                + ", ignoreEos=" + ignoreEos + ", requestTimeout=" + requestTimeout + ", maxDuration=" + maxDuration
                + ", apiKey=" + (apiKey == null ? "none" : "(redacted)") + ", warmupRequests=" + warmupRequests + "]";
    }
}
