package dev.jnim.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every environment variable jnim reads ({@link EnvVar}), parsed and validated once at startup into
 * immutable groups. Nothing else in jnim reads {@code System.getenv}; code receives this object, and
 * tests build it from a plain map with {@link #fromEnv(Map)}. Optional values are those the engine
 * derives later (from the model or the memory) when unset.
 *
 * @param server    HTTP surface
 * @param model     which model and profile, where it is cached
 * @param engine    batching and KV-cache knobs
 * @param media     image limits
 * @param logging   log level and format
 * @param telemetry OpenTelemetry
 * @param sources   download endpoints and credentials
 * @param devices   GPU visibility, as given (the hardware room interprets it)
 */
public record Settings(Server server, Model model, Engine engine, Media media, Logging logging,
                       Telemetry telemetry, Sources sources, Devices devices) {

    /** HTTP surface. {@code servedModelNames} is empty when unset (the manifest's name is used). */
    public record Server(int port, List<String> servedModelNames, long maxRequestBodyBytes,
                         Duration shutdownGracePeriod, OptionalInt maxPendingRequests) {}

    /** Model choice and cache. {@code modelName} empty means the embedded default model. */
    public record Model(Optional<String> modelName, Optional<String> modelProfile, boolean manifestAllowUnsafe,
                        Optional<Path> manifestPath, Path cachePath, TokenizerMode tokenizerMode) {}

    /** Engine knobs; the optional ones are derived from the model and memory when unset. */
    public record Engine(OptionalInt maxNumSeqs, OptionalInt maxModelLen, boolean allowLongMaxModelLen,
                         OptionalInt maxBatchedTokens,
                         double kvCacheFraction, boolean enableKvCacheReuse, Duration encoderBatching,
                         OptionalDouble encoderKvRatioTargetSeqLen, OptionalInt numThreads) {}

    /** Image limits. An empty {@code allowedDomains} allows any public host. */
    public record Media(OptionalInt maxImagesPerPrompt, long maxImageBytes, long maxImagePixels,
                        List<String> allowedDomains, Duration fetchTimeout, Optional<Path> allowedLocalPath) {}

    /** Logging; {@code disableLogRequests} keeps prompts and token ids out of the logs. */
    public record Logging(LogLevel level, boolean jsonl, boolean disableLogRequests) {}

    /** OpenTelemetry; only initialised when {@code enabled}. */
    public record Telemetry(boolean enabled, OtelExporter tracesExporter, OtelExporter metricsExporter,
                            Optional<URI> otlpEndpoint, Optional<String> serviceName) {}

    /** Where files come from and the credentials to fetch them; secrets print masked. */
    public record Sources(Secret ngcApiKey, Secret hfToken, URI hfEndpoint, URI ngcEndpoint, URI ngcAuthEndpoint) {}

    /**
     * GPU visibility exactly as set: an empty string is kept (it hides every GPU), absence is
     * {@link Optional#empty()} (every GPU visible).
     */
    public record Devices(Optional<String> cudaVisibleDevices, Optional<String> nvidiaVisibleDevices) {}

    /** Parses and validates {@code env}; the first wrong value throws a {@link SettingsException}. */
    public static Settings fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        var server = new Server(
                r.intIn(EnvVar.NIM_SERVER_PORT, 0, 65535),
                r.list(EnvVar.NIM_SERVED_MODEL_NAME),
                r.longAtLeast(EnvVar.NIM_MAX_REQUEST_BODY_BYTES, 1024),
                Duration.ofSeconds(r.intIn(EnvVar.NIM_SHUTDOWN_GRACE_PERIOD_S, 0, 3600)),
                r.optionalIntAtLeast(EnvVar.NIM_MAX_PENDING_REQUESTS, 1));
        var model = new Model(
                r.string(EnvVar.NIM_MODEL_NAME),
                r.string(EnvVar.NIM_MODEL_PROFILE),
                r.flag(EnvVar.NIM_MANIFEST_ALLOW_UNSAFE),
                r.path(EnvVar.NIM_MANIFEST_PATH),
                r.pathOr(EnvVar.NIM_CACHE_PATH),
                r.enumOf(EnvVar.NIM_TOKENIZER_MODE, TokenizerMode.class));
        var engine = new Engine(
                r.optionalIntAtLeast(EnvVar.NIM_MAX_NUM_SEQS, 1),
                r.optionalIntAtLeast(EnvVar.NIM_MAX_MODEL_LEN, 1),
                r.flag(EnvVar.NIM_ALLOW_LONG_MAX_MODEL_LEN),
                r.optionalIntAtLeast(EnvVar.NIM_MAX_BATCHED_TOKENS, 1),
                r.fraction(EnvVar.NIM_KVCACHE_PERCENT),
                r.flag(EnvVar.NIM_ENABLE_KV_CACHE_REUSE),
                Duration.ofMillis(r.intIn(EnvVar.NIM_ENCODER_BATCHING_MS, 0, 10_000)),
                r.optionalPositive(EnvVar.NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN),
                r.optionalIntAtLeast(EnvVar.NIM_NUM_THREADS, 1));
        var media = new Media(
                r.optionalIntAtLeast(EnvVar.NIM_MAX_IMAGES_PER_PROMPT, 1),
                r.longAtLeast(EnvVar.NIM_MAX_IMAGE_BYTES, 1),
                r.longAtLeast(EnvVar.NIM_MAX_IMAGE_PIXELS, 1),
                r.list(EnvVar.NIM_ALLOWED_MEDIA_DOMAINS),
                Duration.ofSeconds(r.intIn(EnvVar.NIM_MEDIA_FETCH_TIMEOUT_S, 1, 600)),
                r.path(EnvVar.NIM_ALLOWED_LOCAL_MEDIA_PATH));
        var logging = new Logging(
                r.enumOf(EnvVar.NIM_LOG_LEVEL, LogLevel.class),
                r.flag(EnvVar.NIM_JSONL_LOGGING),
                r.flag(EnvVar.NIM_DISABLE_LOG_REQUESTS));
        var telemetry = new Telemetry(
                r.flag(EnvVar.NIM_ENABLE_OTEL),
                r.enumOf(EnvVar.OTEL_TRACES_EXPORTER, OtelExporter.class),
                r.enumOf(EnvVar.OTEL_METRICS_EXPORTER, OtelExporter.class),
                r.httpUrl(EnvVar.OTEL_EXPORTER_OTLP_ENDPOINT),
                r.string(EnvVar.OTEL_SERVICE_NAME));
        String protocol = r.stringOr(EnvVar.OTEL_EXPORTER_OTLP_PROTOCOL);
        if (!protocol.equals("http/protobuf")) {
            throw SettingsException.invalid(EnvVar.OTEL_EXPORTER_OTLP_PROTOCOL, protocol,
                    "http/protobuf (jnim's OTLP exporters do not speak grpc or http/json)");
        }
        var sources = new Sources(
                Secret.of(r.string(EnvVar.NGC_API_KEY).orElse(null)),
                Secret.of(r.string(EnvVar.HF_TOKEN).orElse(null)),
                r.httpUrl(EnvVar.HF_ENDPOINT).orElseThrow(),
                r.httpUrl(EnvVar.NGC_ENDPOINT).orElseThrow(),
                r.httpUrl(EnvVar.NGC_AUTH_ENDPOINT).orElseThrow());
        var devices = new Devices(r.raw(EnvVar.CUDA_VISIBLE_DEVICES), r.raw(EnvVar.NVIDIA_VISIBLE_DEVICES));
        return new Settings(server, model, engine, media, logging, telemetry, sources, devices);
    }

    /** All defaults, as with an empty environment. */
    public static Settings defaults() {
        return fromEnv(Map.of());
    }

    /**
     * Names in {@code env} that look like jnim/NIM variables ({@code NIM_} prefix) but are not read
     * by jnim: most often a typo, worth a startup WARNING.
     */
    public static Set<String> unknownNimVariables(Map<String, String> env) {
        Set<String> unknown = new TreeSet<>();
        for (String name : env.keySet()) {
            if (name.startsWith("NIM_") && !isKnown(name)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    private static boolean isKnown(String name) {
        for (EnvVar v : EnvVar.values()) {
            if (v.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The effective configuration as {@code NAME=value} lines in {@link EnvVar} order, for the startup
     * log. Secrets appear only as {@code <set>} or {@code <unset>}; unset optional values as
     * {@code <derived>} or {@code <unset>}.
     */
    public List<String> summary() {
        Map<EnvVar, String> v = new LinkedHashMap<>();
        v.put(EnvVar.NGC_API_KEY, sources.ngcApiKey().masked());
        v.put(EnvVar.NIM_CACHE_PATH, model.cachePath().toString());
        v.put(EnvVar.NIM_DISABLE_LOG_REQUESTS, bit(logging.disableLogRequests()));
        v.put(EnvVar.NIM_JSONL_LOGGING, bit(logging.jsonl()));
        v.put(EnvVar.NIM_LOG_LEVEL, logging.level().name());
        v.put(EnvVar.NIM_SERVER_PORT, Integer.toString(server.port()));
        v.put(EnvVar.NIM_MODEL_PROFILE, model.modelProfile().orElse("<auto>"));
        v.put(EnvVar.NIM_MANIFEST_ALLOW_UNSAFE, bit(model.manifestAllowUnsafe()));
        v.put(EnvVar.NIM_SERVED_MODEL_NAME, server.servedModelNames().isEmpty() ? "<from manifest>"
                : String.join(",", server.servedModelNames()));
        v.put(EnvVar.NIM_ENABLE_OTEL, bit(telemetry.enabled()));
        v.put(EnvVar.OTEL_TRACES_EXPORTER, telemetry.tracesExporter().name().toLowerCase());
        v.put(EnvVar.OTEL_METRICS_EXPORTER, telemetry.metricsExporter().name().toLowerCase());
        v.put(EnvVar.OTEL_EXPORTER_OTLP_ENDPOINT, telemetry.otlpEndpoint().map(URI::toString).orElse("<unset>"));
        v.put(EnvVar.OTEL_SERVICE_NAME, telemetry.serviceName().orElse("<unset>"));
        v.put(EnvVar.OTEL_EXPORTER_OTLP_PROTOCOL, "http/protobuf");
        v.put(EnvVar.NIM_TOKENIZER_MODE, model.tokenizerMode().name().toLowerCase());
        v.put(EnvVar.NIM_ENABLE_KV_CACHE_REUSE, bit(engine.enableKvCacheReuse()));
        v.put(EnvVar.NIM_MAX_NUM_SEQS, derived(engine.maxNumSeqs()));
        v.put(EnvVar.NIM_MAX_MODEL_LEN, derived(engine.maxModelLen()));
        v.put(EnvVar.NIM_KVCACHE_PERCENT, Double.toString(engine.kvCacheFraction()));
        v.put(EnvVar.NIM_ENCODER_BATCHING_MS, Long.toString(engine.encoderBatching().toMillis()));
        v.put(EnvVar.NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN, engine.encoderKvRatioTargetSeqLen().isPresent()
                ? Double.toString(engine.encoderKvRatioTargetSeqLen().getAsDouble()) : "<derived>");
        v.put(EnvVar.NIM_MODEL_NAME, model.modelName().orElse("<embedded default>"));
        v.put(EnvVar.NIM_MANIFEST_PATH, model.manifestPath().map(Path::toString).orElse("<unset>"));
        v.put(EnvVar.HF_TOKEN, sources.hfToken().masked());
        v.put(EnvVar.HF_ENDPOINT, sources.hfEndpoint().toString());
        v.put(EnvVar.NGC_ENDPOINT, sources.ngcEndpoint().toString());
        v.put(EnvVar.NGC_AUTH_ENDPOINT, sources.ngcAuthEndpoint().toString());
        v.put(EnvVar.NIM_ALLOW_LONG_MAX_MODEL_LEN, bit(engine.allowLongMaxModelLen()));
        v.put(EnvVar.NIM_MAX_BATCHED_TOKENS, derived(engine.maxBatchedTokens()));
        v.put(EnvVar.NIM_MAX_PENDING_REQUESTS, derived(server.maxPendingRequests()));
        v.put(EnvVar.NIM_NUM_THREADS, derived(engine.numThreads()));
        v.put(EnvVar.NIM_MAX_IMAGES_PER_PROMPT, derived(media.maxImagesPerPrompt()));
        v.put(EnvVar.NIM_MAX_IMAGE_BYTES, Long.toString(media.maxImageBytes()));
        v.put(EnvVar.NIM_MAX_IMAGE_PIXELS, Long.toString(media.maxImagePixels()));
        v.put(EnvVar.NIM_ALLOWED_MEDIA_DOMAINS, media.allowedDomains().isEmpty() ? "<any public host>"
                : String.join(",", media.allowedDomains()));
        v.put(EnvVar.NIM_MEDIA_FETCH_TIMEOUT_S, Long.toString(media.fetchTimeout().toSeconds()));
        v.put(EnvVar.NIM_ALLOWED_LOCAL_MEDIA_PATH, media.allowedLocalPath().map(Path::toString).orElse("<unset>"));
        v.put(EnvVar.NIM_MAX_REQUEST_BODY_BYTES, Long.toString(server.maxRequestBodyBytes()));
        v.put(EnvVar.NIM_SHUTDOWN_GRACE_PERIOD_S, Long.toString(server.shutdownGracePeriod().toSeconds()));
        v.put(EnvVar.CUDA_VISIBLE_DEVICES, devices.cudaVisibleDevices().map(s -> "'" + s + "'").orElse("<unset>"));
        v.put(EnvVar.NVIDIA_VISIBLE_DEVICES, devices.nvidiaVisibleDevices().map(s -> "'" + s + "'").orElse("<unset>"));
        List<String> lines = new ArrayList<>(v.size());
        v.forEach((k, value) -> lines.add(k.name() + "=" + value));
        return lines;
    }

    private static String bit(boolean b) {
        return b ? "1" : "0";
    }

    private static String derived(OptionalInt i) {
        return i.isPresent() ? Integer.toString(i.getAsInt()) : "<derived>";
    }
}
