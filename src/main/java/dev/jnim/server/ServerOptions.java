package dev.jnim.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.config.Settings;
import dev.jnim.tokenizer.TokenizerMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What the server needs, taken from the validated {@link Settings} (every environment variable is
 * parsed there, once) and the resolved model.
 *
 * @param host                 address to bind ({@code 0.0.0.0}; tests use loopback)
 * @param port                 {@code NIM_SERVER_PORT} (0 = any free port)
 * @param modelDir             the model directory (resolved from {@code NIM_MODEL_NAME})
 * @param servedModelNames     {@code NIM_SERVED_MODEL_NAME}; empty = the directory's name
 * @param maxModelLen          {@code NIM_MAX_MODEL_LEN}
 * @param allowLongMaxModelLen {@code NIM_ALLOW_LONG_MAX_MODEL_LEN}
 * @param maxNumSeqs           {@code NIM_MAX_NUM_SEQS}
 * @param maxBatchedTokens     {@code NIM_MAX_BATCHED_TOKENS}
 * @param kvCachePercent       {@code NIM_KVCACHE_PERCENT}
 * @param kvCacheReuse         {@code NIM_ENABLE_KV_CACHE_REUSE}
 * @param maxRequestBytes      {@code NIM_MAX_REQUEST_BODY_BYTES}: larger bodies get 413
 * @param shutdownGrace        {@code NIM_SHUTDOWN_GRACE_PERIOD_S}: how long in-flight requests may run after SIGTERM
 * @param maxWaiting           {@code NIM_MAX_PENDING_REQUESTS}: queued requests before 429
 * @param computeThreads       {@code NIM_NUM_THREADS}: 0 = all available processors
 * @param quantizeQ8           the selected profile's precision is {@code q8_0}: quantise at load time
 * @param availableMemory      bytes this process may use, measured before the model is loaded (cgroup-aware)
 * @param tokenizerMode        {@code NIM_TOKENIZER_MODE}
 * @param media                image limits and URL rules ({@code NIM_MAX_IMAGE_*}, {@code NIM_ALLOWED_MEDIA_DOMAINS}, ...)
 * @param encoderBatching      {@code NIM_ENCODER_BATCHING_MS}: how long an image request waits for others to share the encoder
 * @param encoderKvRatioTargetSeqLen {@code NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN}: the text length per image request
 *                             that splits the KV memory between the text and image pools (cross-attention models)
 * @param documents            fixed JSON answers by GET path, built at startup ({@code /v1/manifest},
 *                             {@code /v1/metadata}, {@code /v1/license})
 */
public record ServerOptions(String host, int port, Path modelDir, List<String> servedModelNames,
                            OptionalInt maxModelLen, boolean allowLongMaxModelLen, OptionalInt maxNumSeqs,
                            OptionalInt maxBatchedTokens, double kvCachePercent, boolean kvCacheReuse,
                            long maxRequestBytes, Duration shutdownGrace, int maxWaiting, int computeThreads,
                            boolean quantizeQ8, long availableMemory, TokenizerMode tokenizerMode,
                            Settings.Media media, Duration encoderBatching, Map<String, JsonNode> documents,
                            OptionalDouble encoderKvRatioTargetSeqLen) {

    /** Queued requests before 429 when {@code NIM_MAX_PENDING_REQUESTS} is unset. */
    public static final int DEFAULT_MAX_WAITING = 1024;

    public ServerOptions {
        servedModelNames = List.copyOf(servedModelNames);
        documents = Map.copyOf(documents);
    }

    /** Options for serving {@code modelDir} under {@code names} with these settings. */
    public static ServerOptions of(Settings s, Path modelDir, List<String> names, boolean quantizeQ8,
                                   long availableMemory) {
        return of(s, modelDir, names, quantizeQ8, availableMemory, Map.of());
    }

    /** As {@link #of(Settings, Path, List, boolean, long)}, with fixed JSON documents to serve. */
    public static ServerOptions of(Settings s, Path modelDir, List<String> names, boolean quantizeQ8,
                                   long availableMemory, Map<String, JsonNode> documents) {
        Settings.Engine e = s.engine();
        return new ServerOptions("0.0.0.0", s.server().port(), modelDir, names, e.maxModelLen(),
                e.allowLongMaxModelLen(), e.maxNumSeqs(), e.maxBatchedTokens(), e.kvCacheFraction(),
                e.enableKvCacheReuse(), s.server().maxRequestBodyBytes(), s.server().shutdownGracePeriod(),
                s.server().maxPendingRequests().orElse(DEFAULT_MAX_WAITING), e.numThreads().orElse(0), quantizeQ8,
                availableMemory, TokenizerMode.valueOf(s.model().tokenizerMode().name()), s.media(), e.encoderBatching(), documents,
                e.encoderKvRatioTargetSeqLen());
    }

    public ServerOptions withHost(String h) {
        return new ServerOptions(h, port, modelDir, servedModelNames, maxModelLen, allowLongMaxModelLen, maxNumSeqs,
                maxBatchedTokens, kvCachePercent, kvCacheReuse, maxRequestBytes, shutdownGrace, maxWaiting,
                computeThreads, quantizeQ8, availableMemory, tokenizerMode, media, encoderBatching, documents,
                encoderKvRatioTargetSeqLen);
    }
}
