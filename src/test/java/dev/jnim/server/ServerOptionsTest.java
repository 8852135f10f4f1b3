package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.config.Settings;
import dev.jnim.tokenizer.TokenizerMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server takes every value from the validated Settings (whose parsing SettingsTest covers). */
class ServerOptionsTest {

    private final Path dir = Path.of("/models/x");

    @Test
    void defaults() {
        ServerOptions o = ServerOptions.of(Settings.fromEnv(Map.of()), dir, List.of("x"), false, 1L << 30);
        assertThat(o.port()).isEqualTo(8000);
        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.maxModelLen()).isEmpty();
        assertThat(o.maxNumSeqs()).isEmpty();
        assertThat(o.kvCachePercent()).isEqualTo(0.9);
        assertThat(o.kvCacheReuse()).isFalse();
        assertThat(o.maxWaiting()).isEqualTo(ServerOptions.DEFAULT_MAX_WAITING);
        assertThat(o.computeThreads()).isZero();
        assertThat(o.tokenizerMode()).isEqualTo(TokenizerMode.AUTO);
        assertThat(o.availableMemory()).isEqualTo(1L << 30);
    }

    @Test
    void everyVariableReachesTheServer() {
        Settings s = Settings.fromEnv(Map.ofEntries(Map.entry("NIM_SERVER_PORT", "9000"),
                Map.entry("NIM_MAX_MODEL_LEN", "2048"), Map.entry("NIM_MAX_NUM_SEQS", "12"),
                Map.entry("NIM_KVCACHE_PERCENT", "0.5"), Map.entry("NIM_ENABLE_KV_CACHE_REUSE", "1"),
                Map.entry("NIM_MAX_REQUEST_BODY_BYTES", "4096"), Map.entry("NIM_SHUTDOWN_GRACE_PERIOD_S", "7"),
                Map.entry("NIM_MAX_PENDING_REQUESTS", "3"), Map.entry("NIM_NUM_THREADS", "2"),
                Map.entry("NIM_MAX_BATCHED_TOKENS", "128"), Map.entry("NIM_ALLOW_LONG_MAX_MODEL_LEN", "1"),
                Map.entry("NIM_TOKENIZER_MODE", "slow")));
        ServerOptions o = ServerOptions.of(s, dir, List.of("a", "b"), true, 5).withHost("127.0.0.1");
        assertThat(o.port()).isEqualTo(9000);
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.servedModelNames()).containsExactly("a", "b");
        assertThat(o.maxModelLen()).hasValue(2048);
        assertThat(o.allowLongMaxModelLen()).isTrue();
        assertThat(o.maxNumSeqs()).hasValue(12);
        assertThat(o.maxBatchedTokens()).hasValue(128);
        assertThat(o.kvCachePercent()).isEqualTo(0.5);
        assertThat(o.kvCacheReuse()).isTrue();
        assertThat(o.maxRequestBytes()).isEqualTo(4096);
        assertThat(o.shutdownGrace()).isEqualTo(Duration.ofSeconds(7));
        assertThat(o.maxWaiting()).isEqualTo(3);
        assertThat(o.computeThreads()).isEqualTo(2);
        assertThat(o.quantizeQ8()).isTrue();
        assertThat(o.tokenizerMode()).isEqualTo(TokenizerMode.SLOW);
    }
}
