package dev.jnim.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadSettingsTest {

    @Test
    void baseUrlAcceptsTrailingSlashAndV1() {
        URI expected = URI.create("http://127.0.0.1:8000");
        assertThat(LoadSettings.normalizeBaseUrl("http://127.0.0.1:8000")).isEqualTo(expected);
        assertThat(LoadSettings.normalizeBaseUrl("http://127.0.0.1:8000/")).isEqualTo(expected);
        assertThat(LoadSettings.normalizeBaseUrl("http://127.0.0.1:8000/v1/")).isEqualTo(expected);
        assertThat(LoadSettings.normalizeBaseUrl("https://h.example/proxy/v1")).isEqualTo(URI.create("https://h.example/proxy"));
        assertThatThrownBy(() -> LoadSettings.normalizeBaseUrl("127.0.0.1:8000")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadSettings.normalizeBaseUrl("ftp://h/")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theApiKeyIsNeverInToString() {
        var s = new SettingsBuilder(URI.create("http://h:1"));
        s.apiKey = "sk-secret-value";
        assertThat(s.build().toString()).doesNotContain("sk-secret-value").contains("apiKey=(redacted)");
    }

    @Test
    void invalidSettingsAreRefused() {
        var s = new SettingsBuilder(URI.create("http://h:1"));
        s.concurrency = List.of(1, 0);
        assertThatThrownBy(s::build).hasMessageContaining("concurrency");
        s.concurrency = List.of(1);
        s.sharedPrefix = s.promptTokens;
        assertThatThrownBy(s::build).hasMessageContaining("shared prefix");
        s.sharedPrefix = 0;
        s.timeout = Duration.ZERO;
        assertThatThrownBy(s::build).hasMessageContaining("timeouts");
        s.timeout = Duration.ofSeconds(1);
        s.apiKey = "sk-with-newline\n";
        assertThatThrownBy(s::build).hasMessageContaining("API key").message().doesNotContain("sk-with-newline");
        s.apiKey = null;
        s.requests = 0;
        assertThatThrownBy(s::build).hasMessageContaining("requests");
    }

    @Test
    void endpointNamesParse() {
        assertThat(Endpoint.parse("chat")).isEqualTo(Endpoint.CHAT);
        assertThat(Endpoint.parse("Completions").path()).isEqualTo("/v1/completions");
        assertThatThrownBy(() -> Endpoint.parse("embeddings")).isInstanceOf(IllegalArgumentException.class);
    }
}
