package dev.jnim.cli;

import dev.jnim.loadgen.BenchReport;
import dev.jnim.loadgen.Endpoint;
import dev.jnim.loadgen.JsonReport;
import dev.jnim.loadgen.LoadGenerator;
import dev.jnim.loadgen.LoadSettings;
import dev.jnim.loadgen.LoadgenException;
import dev.jnim.loadgen.ReportTable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jnim bench serve}: the serving load generator, against jnim or any other
 * OpenAI-compatible server (vLLM, NIM, llama.cpp server).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Load-tests a running OpenAI-compatible server: for each concurrency level C, a closed loop of C "
                    + "workers sends N streaming requests (each worker sends its next request when its previous "
                    + "one finishes), then prints requests/s, output tokens/s, TTFT, inter-token latency, "
                    + "end-to-end latency and errors by kind.",
            "Prompts are random common English words. The client has no tokenizer: one word counts as about "
                    + "one token, so --prompt-tokens and --shared-prefix are word counts; when the server "
                    + "reports usage.prompt_tokens, the measured mean (chat template included) is printed too.",
            "Percentiles are exact over all samples (linear interpolation between closest ranks, as numpy "
                    + "and vLLM's benchmark). Requests go only to --url; redirects are not followed."})
final class BenchServeCommand implements Callable<Integer> {

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "Server base URL, e.g. http://127.0.0.1:8000 (a trailing /v1 is accepted).")
    String url;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,4,16,64", paramLabel = "C,...",
            description = "Concurrency levels, run in order. Default: ${DEFAULT-VALUE}.")
    List<Integer> concurrency;

    @Option(names = "--requests", defaultValue = "64", paramLabel = "N",
            description = "Requests per concurrency level. Default: ${DEFAULT-VALUE}.")
    int requests;

    @Option(names = "--prompt-tokens", defaultValue = "512", paramLabel = "P",
            description = "Prompt length in words (≈ tokens). Default: ${DEFAULT-VALUE}.")
    int promptTokens;

    @Option(names = "--max-tokens", defaultValue = "128", paramLabel = "G",
            description = "max_tokens of every request. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--shared-prefix", defaultValue = "0", paramLabel = "S",
            description = "Words (≈ tokens) of a prefix shared by every prompt (the system message on the chat "
                    + "endpoint), to measure prefix caching; must be less than --prompt-tokens. Default: ${DEFAULT-VALUE}.")
    int sharedPrefix;

    @Option(names = "--model", paramLabel = "NAME",
            description = "Model name to request. Default: the first id of GET /v1/models.")
    String model;

    @Option(names = "--endpoint", defaultValue = "chat", paramLabel = "chat|completions",
            description = "/v1/chat/completions or /v1/completions. Default: ${DEFAULT-VALUE}.")
    String endpoint;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "K",
            description = "Seed of the prompt words (same seed, same prompts). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "X", description = "Sampling temperature. Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--ignore-eos", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Send ignore_eos: true so every request generates --max-tokens tokens (vLLM, NIM, jnim, "
                    + "llama.cpp). --no-ignore-eos for servers that reject unknown fields. Default: ${DEFAULT-VALUE}.")
    boolean ignoreEos;

    @Option(names = "--timeout-s", defaultValue = "300", paramLabel = "T",
            description = "Per-request limit, whole stream included; a request over it counts as a timeout error. "
                    + "Default: ${DEFAULT-VALUE}.")
    double timeoutS;

    @Option(names = "--max-duration-s", defaultValue = "600", paramLabel = "T",
            description = "Limit of the whole run; requests and levels not started by then are reported as not run. "
                    + "Default: ${DEFAULT-VALUE}.")
    double maxDurationS;

    @Option(names = "--warmup-requests", defaultValue = "1", paramLabel = "W",
            description = "Requests sent one at a time before the first level, not measured. Default: ${DEFAULT-VALUE}.")
    int warmupRequests;

    @Option(names = "--api-key-env", paramLabel = "VAR",
            description = "Name of an environment variable whose value is sent as 'Authorization: Bearer' (never printed).")
    String apiKeyEnv;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every figure to FILE as JSON.")
    Path jsonFile;

    @Override
    public Integer call() throws InterruptedException {
        LoadSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            System.err.println("bench serve: " + e.getMessage());
            return 2;
        }
        System.out.println(ReportTable.header(settings, settings.model() != null ? settings.model() : "(from /v1/models)"));
        BenchReport report;
        try (var generator = new LoadGenerator(settings)) {
            report = generator.run(level -> System.err.printf(Locale.ROOT,
                    "concurrency %d: %d ok, %d errors in %.1f s%n",
                    level.concurrency(), level.succeeded(), level.failed(), level.durationSeconds()));
        } catch (LoadgenException e) {
            System.err.println("bench serve: " + e.getMessage());
            return 1;
        }
        if (settings.model() == null) {
            System.out.println("model (from /v1/models): " + report.model());
        }
        System.out.println(ReportTable.table(report.levels()));
        System.out.print(ReportTable.notes(report));
        if (jsonFile != null) {
            try {
                JsonReport.write(report, jsonFile);
            } catch (IOException e) {
                System.err.println("bench serve: cannot write " + jsonFile + ": " + e.getMessage());
                return 1;
            }
        }
        boolean anySuccess = report.levels().stream().anyMatch(l -> l.succeeded() > 0);
        return anySuccess ? 0 : 1;
    }

    private LoadSettings settings() {
        String apiKey = null;
        if (apiKeyEnv != null) {
            apiKey = System.getenv(apiKeyEnv);
            if (apiKey == null || apiKey.isEmpty()) {
                throw new IllegalArgumentException("--api-key-env " + apiKeyEnv + ": that environment variable is not set");
            }
        }
        return new LoadSettings(LoadSettings.normalizeBaseUrl(url), concurrency, requests, promptTokens, maxTokens,
                sharedPrefix, model, Endpoint.parse(endpoint), seed, temperature, ignoreEos, seconds(timeoutS, "--timeout-s"),
                seconds(maxDurationS, "--max-duration-s"), apiKey, warmupRequests);
    }

    private static Duration seconds(double s, String option) {
        if (!(s > 0) || s > 1e7) {
            throw new IllegalArgumentException(option + " must be positive: " + s);
        }
        return Duration.ofNanos((long) (s * 1e9));
    }
}
