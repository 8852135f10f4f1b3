package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerOptionsTest {

    @TempDir
    Path dir;

    private Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("NIM_MODEL_NAME", dir.toString()));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void defaults() {
        ServerOptions o = ServerOptions.fromEnv(env());
        assertThat(o.port()).isEqualTo(8000);
        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.servedModelNames()).isEmpty();
        assertThat(o.maxModelLen()).isEmpty();
        assertThat(o.maxNumSeqs()).isEmpty();
        assertThat(o.kvCachePercent()).isEqualTo(0.9);
        assertThat(o.kvCacheReuse()).isFalse();
        assertThat(o.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.maxRequestBytes()).isEqualTo(ServerOptions.DEFAULT_MAX_REQUEST_BYTES);
    }

    @Test
    void readsEveryVariable() {
        ServerOptions o = ServerOptions.fromEnv(env("NIM_SERVER_PORT", "9000", "NIM_SERVED_MODEL_NAME",
                " a , b,,c ", "NIM_MAX_MODEL_LEN", "4096", "NIM_MAX_NUM_SEQS", "8", "NIM_KVCACHE_PERCENT", "0.5",
                "NIM_ENABLE_KV_CACHE_REUSE", "1", "JNIM_SHUTDOWN_GRACE_SECONDS", "5"));
        assertThat(o.port()).isEqualTo(9000);
        assertThat(o.servedModelNames()).isEqualTo(List.of("a", "b", "c"));
        assertThat(o.maxModelLen()).hasValue(4096);
        assertThat(o.maxNumSeqs()).hasValue(8);
        assertThat(o.kvCachePercent()).isEqualTo(0.5);
        assertThat(o.kvCacheReuse()).isTrue();
        assertThat(o.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void badValuesNameTheVariableAndTheAcceptedValues() {
        assertThatThrownBy(() -> ServerOptions.fromEnv(env("NIM_SERVER_PORT", "http")))
                .hasMessageContaining("NIM_SERVER_PORT").hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> ServerOptions.fromEnv(env("NIM_SERVER_PORT", "70000")))
                .hasMessageContaining("NIM_SERVER_PORT");
        assertThatThrownBy(() -> ServerOptions.fromEnv(env("NIM_KVCACHE_PERCENT", "90")))
                .hasMessageContaining("NIM_KVCACHE_PERCENT").hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> ServerOptions.fromEnv(env("NIM_ENABLE_KV_CACHE_REUSE", "maybe")))
                .hasMessageContaining("NIM_ENABLE_KV_CACHE_REUSE").hasMessageContaining("0 or 1");
        assertThatThrownBy(() -> ServerOptions.fromEnv(env("NIM_MAX_MODEL_LEN", "0")))
                .hasMessageContaining("NIM_MAX_MODEL_LEN");
        assertThatThrownBy(() -> ServerOptions.fromEnv(env("NIM_SERVED_MODEL_NAME", " , ")))
                .hasMessageContaining("NIM_SERVED_MODEL_NAME");
        assertThatThrownBy(() -> ServerOptions.fromEnv(Map.of())).isInstanceOf(ServerOptions.InvalidSetting.class)
                .hasMessageContaining("NIM_MODEL_NAME");
        assertThatThrownBy(() -> ServerOptions.fromEnv(Map.of("NIM_MODEL_NAME", dir.resolve("missing").toString())))
                .hasMessageContaining("not a directory");
    }

    @Test
    void availableMemoryIsPositiveAndBelowPhysical() {
        long avail = ServerOptions.availableMemoryBytes();
        assertThat(avail).isPositive();
        long total = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize();
        assertThat(avail).isLessThanOrEqualTo(total);
    }
}
