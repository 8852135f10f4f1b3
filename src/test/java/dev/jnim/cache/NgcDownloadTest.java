package dev.jnim.cache;

import static dev.jnim.cache.CacheTestSupport.cache;
import static dev.jnim.cache.CacheTestSupport.file;
import static dev.jnim.cache.CacheTestSupport.model;
import static dev.jnim.cache.CacheTestSupport.random;
import static dev.jnim.cache.CacheTestSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnim.manifest.ModelEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class NgcDownloadTest {

    private static final byte[] WEIGHTS = random(200_000, 3);

    @TempDir
    Path tmp;
    FakeHub hub;
    ModelEntry model;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub().ngc("nvidia/vlm-team/tiny-vlm", "1.0", "model.safetensors", WEIGHTS);
        model = model("nvidia/vlm-team/tiny-vlm", "1.0", file("ngc://nvidia/vlm-team/tiny-vlm:1.0?file=model.safetensors"));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void legacyKeyIsExchangedForASessionToken() throws Exception {
        Path dir = cache(tmp, settings(hub, "NGC_API_KEY", "legacy-key")).ensure(model, model.profiles().getFirst());
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(dir).isEqualTo(tmp.resolve("models--nvidia--vlm-team--tiny-vlm/snapshots/1.0"));
        assertThat(hub.count("hub", "/token")).isEqualTo(1);
        assertThat(hub.requests).filteredOn(r -> r.path().startsWith("/v2/org/nvidia/team/vlm-team/models/tiny-vlm/versions/1.0/files/"))
                .singleElement().extracting(FakeHub.Request::authorization).isEqualTo("Bearer ngc-session");
        assertThat(hub.requests).filteredOn(r -> r.server().equals("cdn")).singleElement()
                .extracting(FakeHub.Request::authorization).isNull();
    }

    @Test
    void personalKeyIsABearerTokenItself() throws Exception {
        cache(tmp, settings(hub, "NGC_API_KEY", "nvapi-good")).ensure(model, model.profiles().getFirst());
        assertThat(hub.count("hub", "/token")).isZero();
    }

    @Test
    void missingKeyNamesNgcApiKeyBeforeAnyRequest() {
        assertThatThrownBy(() -> cache(tmp, settings(hub)).ensure(model, model.profiles().getFirst()))
                .isInstanceOf(CacheException.class)
                .hasMessage("NGC_API_KEY is not set; it is needed to download ngc://nvidia/vlm-team/tiny-vlm:1.0?file=model.safetensors "
                        + "(not in the cache). Set NGC_API_KEY, or pre-fill NIM_CACHE_PATH with download-to-cache.");
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void rejectedKeyIsNamedButNeverShown() {
        assertThatThrownBy(() -> cache(tmp, settings(hub, "NGC_API_KEY", "wrong-SECRET-key")).ensure(model, model.profiles().getFirst()))
                .isInstanceOf(CacheException.class)
                .hasMessageStartingWith("NGC_API_KEY was rejected by the NGC token service (401)")
                .message().doesNotContain("SECRET");
    }

    @Test
    void rejectedPersonalKeyIs401WithAClearMessage() {
        assertThatThrownBy(() -> cache(tmp, settings(hub, "NGC_API_KEY", "nvapi-revoked")).ensure(model, model.profiles().getFirst()))
                .isInstanceOf(CacheException.class)
                .hasMessage("401 Unauthorized for ngc://nvidia/vlm-team/tiny-vlm:1.0?file=model.safetensors: NGC_API_KEY was rejected; check the key");
    }

    @Test
    void unknownFileIs404() {
        ModelEntry m = model("nvidia/vlm-team/tiny-vlm", "1.0", file("ngc://nvidia/vlm-team/tiny-vlm:1.0?file=nope.bin"));
        assertThatThrownBy(() -> cache(tmp, settings(hub, "NGC_API_KEY", "nvapi-good")).ensure(m, m.profiles().getFirst()))
                .isInstanceOf(CacheException.class).hasMessageStartingWith("404 Not Found: ngc://nvidia/vlm-team/tiny-vlm:1.0?file=nope.bin");
    }
}
