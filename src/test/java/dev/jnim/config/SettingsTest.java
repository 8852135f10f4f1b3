package dev.jnim.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class SettingsTest {

    /** One accepted non-default value per variable, with what it must parse to; null bad = not validated. */
    private record Case(String good, Predicate<Settings> parsed, String bad, String accepted) {}

    private static final Map<EnvVar, Case> CASES = new EnumMap<>(EnvVar.class);

    static {
        c(EnvVar.NGC_API_KEY, "nvapi-secret", s -> s.sources().ngcApiKey().reveal().equals(Optional.of("nvapi-secret")), null, null);
        c(EnvVar.NIM_CACHE_PATH, "/data/cache", s -> s.model().cachePath().equals(Path.of("/data/cache")), "bad\0path", "a file system path");
        c(EnvVar.NIM_DISABLE_LOG_REQUESTS, "0", s -> !s.logging().disableLogRequests(), "yes", "0 or 1");
        c(EnvVar.NIM_JSONL_LOGGING, "1", s -> s.logging().jsonl(), "2", "0 or 1");
        c(EnvVar.NIM_LOG_LEVEL, "warning", s -> s.logging().level() == LogLevel.WARNING, "VERBOSE",
                "one of DEFAULT, TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL");
        c(EnvVar.NIM_SERVER_PORT, "9000", s -> s.server().port() == 9000, "70000", "an integer from 0 to 65535");
        c(EnvVar.NIM_MODEL_PROFILE, "cpu-q8_0", s -> s.model().modelProfile().equals(Optional.of("cpu-q8_0")), null, null);
        c(EnvVar.NIM_MANIFEST_ALLOW_UNSAFE, "1", s -> s.model().manifestAllowUnsafe(), "on", "0 or 1");
        c(EnvVar.NIM_SERVED_MODEL_NAME, "a, b,,c", s -> s.server().servedModelNames().equals(List.of("a", "b", "c")), null, null);
        c(EnvVar.NIM_ENABLE_OTEL, "1", s -> s.telemetry().enabled(), "enabled", "0 or 1");
        c(EnvVar.OTEL_TRACES_EXPORTER, "otlp", s -> s.telemetry().tracesExporter() == OtelExporter.OTLP, "zipkin",
                "one of CONSOLE, OTLP, NONE");
        c(EnvVar.OTEL_METRICS_EXPORTER, "none", s -> s.telemetry().metricsExporter() == OtelExporter.NONE, "prometheus",
                "one of CONSOLE, OTLP, NONE");
        c(EnvVar.OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4318/",
                s -> s.telemetry().otlpEndpoint().equals(Optional.of(URI.create("http://collector:4318"))),
                "collector:4318", "an http:// or https:// URL");
        c(EnvVar.OTEL_SERVICE_NAME, "vlm", s -> s.telemetry().serviceName().equals(Optional.of("vlm")), null, null);
        // Its only accepted value is the default: nothing to observe beyond "accepted" and "refused".
        c(EnvVar.OTEL_EXPORTER_OTLP_PROTOCOL, "http/protobuf", null, "grpc",
                "http/protobuf (jnim's OTLP exporters do not speak grpc or http/json)");
        c(EnvVar.NIM_TOKENIZER_MODE, "slow", s -> s.model().tokenizerMode() == TokenizerMode.SLOW, "fast", "one of AUTO, SLOW");
        c(EnvVar.NIM_ENABLE_KV_CACHE_REUSE, "1", s -> s.engine().enableKvCacheReuse(), "-1", "0 or 1");
        c(EnvVar.NIM_MAX_NUM_SEQS, "8", s -> s.engine().maxNumSeqs().equals(java.util.OptionalInt.of(8)), "0", "an integer >= 1");
        c(EnvVar.NIM_MAX_MODEL_LEN, "4096", s -> s.engine().maxModelLen().equals(java.util.OptionalInt.of(4096)), "4k", "an integer >= 1");
        c(EnvVar.NIM_KVCACHE_PERCENT, "0.5", s -> s.engine().kvCacheFraction() == 0.5, "90", "a number in (0, 1]");
        c(EnvVar.NIM_ENCODER_BATCHING_MS, "0", s -> s.engine().encoderBatching().isZero(), "-5", "an integer from 0 to 10000");
        c(EnvVar.NIM_ENCODER_KV_RATIO_TARGET_SEQ_LEN, "3333.5",
                s -> s.engine().encoderKvRatioTargetSeqLen().equals(java.util.OptionalDouble.of(3333.5)), "2500/0.75", "a number > 0");
        c(EnvVar.NIM_MODEL_NAME, "hf://Qwen/Qwen2-VL-2B-Instruct", s -> s.model().modelName().isPresent(), null, null);
        c(EnvVar.NIM_MANIFEST_PATH, "/etc/m.yaml", s -> s.model().manifestPath().equals(Optional.of(Path.of("/etc/m.yaml"))),
                "nul\0", "a file system path");
        c(EnvVar.HF_TOKEN, "hf_secret", s -> s.sources().hfToken().isPresent(), null, null);
        c(EnvVar.HF_ENDPOINT, "https://hf-mirror.example/", s -> s.sources().hfEndpoint().toString().equals("https://hf-mirror.example"),
                "ftp://mirror", "an http:// or https:// URL");
        c(EnvVar.NGC_ENDPOINT, "http://127.0.0.1:9999", s -> s.sources().ngcEndpoint().getPort() == 9999, "not a url",
                "an http:// or https:// URL");
        c(EnvVar.NGC_AUTH_ENDPOINT, "http://127.0.0.1:9999/token", s -> s.sources().ngcAuthEndpoint().getPort() == 9999,
                "/token", "an http:// or https:// URL");
        c(EnvVar.NIM_ALLOW_LONG_MAX_MODEL_LEN, "1", s -> s.engine().allowLongMaxModelLen(), "yes", "0 or 1");
        c(EnvVar.NIM_MAX_BATCHED_TOKENS, "2048", s -> s.engine().maxBatchedTokens().equals(java.util.OptionalInt.of(2048)), "1e3", "an integer >= 1");
        c(EnvVar.NIM_MAX_PENDING_REQUESTS, "64", s -> s.server().maxPendingRequests().equals(java.util.OptionalInt.of(64)), "0", "an integer >= 1");
        c(EnvVar.NIM_NUM_THREADS, "2", s -> s.engine().numThreads().equals(java.util.OptionalInt.of(2)), "two", "an integer >= 1");
        c(EnvVar.NIM_MAX_IMAGES_PER_PROMPT, "3", s -> s.media().maxImagesPerPrompt().equals(java.util.OptionalInt.of(3)), "0", "an integer >= 1");
        c(EnvVar.NIM_MAX_IMAGE_BYTES, "1000", s -> s.media().maxImageBytes() == 1000, "0", "an integer >= 1");
        c(EnvVar.NIM_MAX_IMAGE_PIXELS, "1000000", s -> s.media().maxImagePixels() == 1_000_000, "1.5", "an integer >= 1");
        c(EnvVar.NIM_ALLOWED_MEDIA_DOMAINS, "example.com,*.cdn.example",
                s -> s.media().allowedDomains().equals(List.of("example.com", "*.cdn.example")), null, null);
        c(EnvVar.NIM_MEDIA_FETCH_TIMEOUT_S, "5", s -> s.media().fetchTimeout().equals(Duration.ofSeconds(5)), "0",
                "an integer from 1 to 600");
        c(EnvVar.NIM_ALLOWED_LOCAL_MEDIA_PATH, "/srv/images",
                s -> s.media().allowedLocalPath().equals(Optional.of(Path.of("/srv/images"))), "bad\u0000path",
                "a file system path");
        c(EnvVar.NIM_MAX_REQUEST_BODY_BYTES, "2048", s -> s.server().maxRequestBodyBytes() == 2048, "100", "an integer >= 1024");
        c(EnvVar.NIM_SHUTDOWN_GRACE_PERIOD_S, "0", s -> s.server().shutdownGracePeriod().isZero(), "3601",
                "an integer from 0 to 3600");
        c(EnvVar.CUDA_VISIBLE_DEVICES, "1", s -> s.devices().cudaVisibleDevices().equals(Optional.of("1")), null, null);
        c(EnvVar.NVIDIA_VISIBLE_DEVICES, "all", s -> s.devices().nvidiaVisibleDevices().equals(Optional.of("all")), null, null);
    }

    private static void c(EnvVar v, String good, Predicate<Settings> parsed, String bad, String accepted) {
        CASES.put(v, new Case(good, parsed, bad, accepted));
    }

    @Test
    void everyVariableHasAValidationCase() {
        assertThat(CASES.keySet()).isEqualTo(EnumSet.allOf(EnvVar.class));
    }

    @Test
    void everyVariableParsesItsAcceptedValue() {
        CASES.forEach((v, c) -> {
            Settings s = Settings.fromEnv(Map.of(v.name(), c.good()));
            if (c.parsed() == null) {
                return;
            }
            assertThat(c.parsed().test(s)).as("%s=%s", v, c.good()).isTrue();
            // and the default does not already satisfy the check, so the case tests something
            assertThat(c.parsed().test(Settings.defaults())).as("default of %s", v).isFalse();
        });
    }

    @Test
    void everyValidatedVariableRejectsAWrongValueWithOneLineNamingIt() {
        CASES.forEach((v, c) -> {
            if (c.bad() == null) {
                return;
            }
            assertThatThrownBy(() -> Settings.fromEnv(Map.of(v.name(), c.bad())))
                    .as(v.name())
                    .isInstanceOfSatisfying(SettingsException.class, e -> {
                        assertThat(e.variable()).isEqualTo(v.name());
                        assertThat(e.getMessage())
                                .isEqualTo("Invalid " + v.name() + "='" + c.bad() + "': expected " + c.accepted())
                                .doesNotContain("\n");
                    });
        });
    }

    @Test
    void defaultsMatchTheDocumentedOnes() {
        Settings s = Settings.defaults();
        assertThat(s.server().port()).isEqualTo(8000);
        assertThat(s.model().cachePath()).isEqualTo(Path.of("/opt/nim/.cache"));
        assertThat(s.logging().disableLogRequests()).isTrue();
        assertThat(s.logging().jsonl()).isFalse();
        assertThat(s.logging().level()).isEqualTo(LogLevel.DEFAULT);
        assertThat(s.engine().kvCacheFraction()).isEqualTo(0.9);
        assertThat(s.engine().encoderBatching()).isEqualTo(Duration.ofMillis(10));
        assertThat(s.engine().maxNumSeqs()).isEmpty();
        assertThat(s.model().modelName()).isEmpty();
        assertThat(s.telemetry().tracesExporter()).isEqualTo(OtelExporter.CONSOLE);
        assertThat(s.sources().hfEndpoint()).isEqualTo(URI.create("https://huggingface.co"));
        assertThat(s.sources().ngcApiKey().isPresent()).isFalse();
        assertThat(s.devices().cudaVisibleDevices()).isEmpty();
    }

    @Test
    void blankCountsAsUnsetButAnEmptyDeviceListIsKept() {
        Settings s = Settings.fromEnv(Map.of("NIM_SERVER_PORT", "  ", "CUDA_VISIBLE_DEVICES", ""));
        assertThat(s.server().port()).isEqualTo(8000);
        assertThat(s.devices().cudaVisibleDevices()).contains("");
    }

    @Test
    void secretsNeverAppearInTheSummaryOrToString() {
        Settings s = Settings.fromEnv(Map.of("NGC_API_KEY", "nvapi-TOPSECRET", "HF_TOKEN", "hf_TOPSECRET"));
        assertThat(s.summary()).contains("NGC_API_KEY=<set>", "HF_TOKEN=<set>");
        assertThat(String.join("\n", s.summary())).doesNotContain("TOPSECRET");
        assertThat(s.toString()).doesNotContain("TOPSECRET");
        assertThat(Settings.defaults().summary()).contains("NGC_API_KEY=<unset>");
    }

    @Test
    void summaryHasOneLinePerVariable() {
        List<String> lines = Settings.defaults().summary();
        assertThat(lines).hasSize(EnvVar.values().length);
        for (EnvVar v : EnvVar.values()) {
            assertThat(lines).anyMatch(l -> l.startsWith(v.name() + "="));
        }
    }

    @Test
    void unknownNimVariablesAreReportedForAWarning() {
        Set<String> unknown = Settings.unknownNimVariables(Map.of("NIM_SERVER_PROT", "1", "NIM_SERVER_PORT", "1", "PATH", "/bin"));
        assertThat(unknown).containsExactly("NIM_SERVER_PROT");
    }

    @Test
    void readmeDocumentsEveryVariable() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (EnvVar v : EnvVar.values()) {
            String def = v.defaultValue().isEmpty() ? "—" : "`" + v.defaultValue() + "`";
            assertThat(readme).as("README row of %s (default and meaning as in EnvVar)", v.name())
                    .contains("| `" + v.name() + "` | " + def + " | " + v.meaning().replace("|", "\\|") + " |");
        }
    }
}
