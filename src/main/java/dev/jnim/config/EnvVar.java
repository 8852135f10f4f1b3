package dev.jnim.config;

/**
 * Every environment variable jnim reads, with its documented default and meaning. The seed's table
 * (NVIDIA "Configuring a NIM") comes first; the ones jnim adds follow. The README's configuration
 * table is written from this list, and a test checks that the two agree.
 */
public enum EnvVar {
    // --- the seed's table (NIM for VLMs) ---
    NGC_API_KEY("", "NGC API key; needed only to download `ngc://` files that are not cached yet. Never logged.", true),
    NIM_CACHE_PATH("/opt/nim/.cache", "Directory where downloaded model files are cached (hub-like layout). "
            + "When it cannot be created jnim falls back to a per-user cache directory with a WARNING."),
    NIM_DISABLE_LOG_REQUESTS("1", "`0` logs prompts, sampling parameters and token ids of each request; `1` never logs them."),
    NIM_JSONL_LOGGING("0", "`1` writes logs as one JSON object per line; `0` writes readable text lines."),
    NIM_LOG_LEVEL("DEFAULT", "One of DEFAULT, TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL. DEFAULT is INFO for jnim and quieter for libraries."),
    NIM_SERVER_PORT("8000", "HTTP port the service listens on (0-65535; 0 picks a free port, for tests)."),
    NIM_MODEL_PROFILE("", "Profile to run: a 64-hex profile id, a readable name (e.g. `cpu-q8_0`) or `default` "
            + "(most compatible). Unset: the best compatible profile is selected."),
    NIM_MANIFEST_ALLOW_UNSAFE("0", "`1` allows a profile that is not compatible with the detected hardware "
            + "(it proceeds with a WARNING)."),
    NIM_SERVED_MODEL_NAME("", "Comma-separated model name(s) accepted in the API; the first is used in responses. "
            + "Unset: the manifest's model name."),
    NIM_ENABLE_OTEL("0", "`1` enables OpenTelemetry traces and metrics."),
    OTEL_TRACES_EXPORTER("console", "Trace exporter when NIM_ENABLE_OTEL=1: console, otlp or none."),
    OTEL_METRICS_EXPORTER("console", "Metrics exporter when NIM_ENABLE_OTEL=1: console, otlp or none."),
    OTEL_EXPORTER_OTLP_ENDPOINT("", "OTLP collector endpoint (an http or https URL) used by the `otlp` exporters."),
    OTEL_SERVICE_NAME("", "Service name reported in OpenTelemetry data. Unset: the served model name."),
    OTEL_EXPORTER_OTLP_PROTOCOL("http/protobuf", "Protocol of the `otlp` exporters. Only `http/protobuf` is supported; "
            + "any other value (such as `grpc`) stops startup."),
    NIM_TOKENIZER_MODE("auto", "Tokenizer mode: `auto` (fast tokenizer from tokenizer.json) or `slow`."),
    NIM_ENABLE_KV_CACHE_REUSE("0", "`1` enables automatic prefix caching (KV cache reuse across requests)."),
    NIM_MAX_NUM_SEQS("", "Maximum number of sequences processed in parallel (>= 1). Unset: derived from the model and memory."),
    NIM_MAX_MODEL_LEN("", "Context length in tokens (>= 1). Unset: the model's configuration."),
    NIM_KVCACHE_PERCENT("0.9", "Fraction (0, 1] of the memory left after weights that is given to the KV cache."),
    NIM_ENCODER_BATCHING_MS("10", "Milliseconds (0-10000) the vision encoder waits for more images to batch."),
    NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN("", "Expected (ISL+OSL)/(image ratio x image size ratio) used to split the "
            + "KV cache between text and image pools for cross-attention models (Llama 3.2 Vision; > 0). Unset: 1024, "
            + "at most NIM_MAX_MODEL_LEN, raised so that one full-length sequence fits."),
    // --- added by jnim ---
    NIM_MODEL_NAME("", "Model to serve: a manifest model name, `hf://org/name[:revision]`, "
            + "`ngc://org/team/model:version`, or a local model directory. Unset: the embedded `jnim/demo-vlm`."),
    NIM_MANIFEST_PATH("", "Model manifest (YAML) to use instead of `/etc/nim/config/model_manifest.yaml` "
            + "or the manifest built into jnim."),
    HF_TOKEN("", "Hugging Face token, sent as a bearer token for gated or private `hf://` files. Never logged.", true),
    HF_ENDPOINT("https://huggingface.co", "Hugging Face hub (or mirror) base URL for `hf://` files."),
    NGC_ENDPOINT("https://api.ngc.nvidia.com", "NGC registry API base URL for `ngc://` files."),
    NGC_AUTH_ENDPOINT("https://authn.nvidia.com/token", "NGC token service used to exchange a legacy NGC_API_KEY for a session token."),
    NIM_ALLOW_LONG_MAX_MODEL_LEN("0", "1: accept a NIM_MAX_MODEL_LEN above the model's max_position_embeddings "
            + "(quality past the trained length is not guaranteed)."),
    NIM_MAX_BATCHED_TOKENS("", "Token budget of one engine step (prefill chunks + decodes, >= 1). Unset: chosen by the engine."),
    NIM_MAX_PENDING_REQUESTS("", "Maximum requests waiting for admission (>= 1); beyond it requests get 429. Unset: chosen by the engine."),
    NIM_NUM_THREADS("", "Compute threads for model forward and vision encoder (>= 1). Unset: the available cores."),
    NIM_MAX_IMAGES_PER_PROMPT("", "Maximum images in one request (>= 1). Unset: the model's own limit."),
    NIM_MAX_IMAGE_BYTES("20971520", "Largest image accepted, in bytes, decoded from base64 or downloaded (>= 1)."),
    NIM_MAX_IMAGE_PIXELS("33177600", "Largest image accepted, in pixels (width x height, >= 1); bigger images are rejected before decoding."),
    NIM_ALLOWED_MEDIA_DOMAINS("", "Comma-separated host names image URLs may use (`*.example.com` allowed). "
            + "Unset: any public host. Private and loopback addresses are refused unless their host is listed here."),
    NIM_MEDIA_FETCH_TIMEOUT_S("10", "Seconds (1-600) allowed to download one image URL."),
    NIM_ALLOWED_LOCAL_MEDIA_PATH("", "A directory from which file:// image URLs may be read (nothing outside it, "
            + "symbolic links resolved). Unset: file:// URLs are refused."),
    NIM_MAX_REQUEST_BODY_BYTES("67108864", "Largest HTTP request body, in bytes (>= 1024); larger requests get 413."),
    NIM_SHUTDOWN_GRACE_PERIOD_S("30", "Seconds (0-3600) running requests may take to finish after SIGTERM."),
    CUDA_VISIBLE_DEVICES("", "GPUs visible to jnim: indices or `GPU-<uuid>` prefixes, comma-separated; empty means none. "
            + "Unset: all."),
    NVIDIA_VISIBLE_DEVICES("", "GPUs exposed by the container runtime: `all`, `none`, `void`, or indices/UUIDs. Applied before CUDA_VISIBLE_DEVICES.");

    private final String defaultValue;
    private final String meaning;
    private final boolean secret;

    EnvVar(String defaultValue, String meaning) {
        this(defaultValue, meaning, false);
    }

    EnvVar(String defaultValue, String meaning, boolean secret) {
        this.defaultValue = defaultValue;
        this.meaning = meaning;
        this.secret = secret;
    }

    /** The default as documented; empty when the variable has none (derived later or unused). */
    public String defaultValue() {
        return defaultValue;
    }

    /** One-sentence meaning, as in the README table. */
    public String meaning() {
        return meaning;
    }

    /** Whether the value is a credential that must never be printed. */
    public boolean secret() {
        return secret;
    }
}
