package dev.jnim.cache;

import static dev.jnim.cache.CacheTestSupport.cache;
import static dev.jnim.cache.CacheTestSupport.file;
import static dev.jnim.cache.CacheTestSupport.model;
import static dev.jnim.cache.CacheTestSupport.random;
import static dev.jnim.cache.CacheTestSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnim.manifest.ModelEntry;
import dev.jnim.manifest.Profile;
import dev.jnim.manifest.ProfileFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class DownloadTest {

    private static final String REPO = "acme/tiny-vlm";
    private static final byte[] CONFIG = "{\"model_type\":\"idefics3\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WEIGHTS = random(3 << 20, 42);

    @TempDir
    Path tmp;
    FakeHub hub;
    ModelEntry model;
    Profile profile;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub().hf(REPO, "main", "config.json", CONFIG, false).hf(REPO, "main", "model.safetensors", WEIGHTS, true);
        model = model(REPO, "main", file("hf://" + REPO + ":main?file=config.json"), file("hf://" + REPO + ":main?file=model.safetensors"));
        profile = model.profiles().getFirst();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void downloadsVerifiesAndLinksIntoAHubLikeSnapshot() throws Exception {
        ModelCache cache = cache(tmp, settings(hub));
        assertThat(cache.isCached(model, profile)).isFalse();
        Path dir = cache.ensure(model, profile);
        assertThat(dir).isEqualTo(tmp.resolve("models--acme--tiny-vlm/snapshots/main"));
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(Files.readAllBytes(dir.resolve("config.json"))).isEqualTo(CONFIG);
        assertThat(Files.isSymbolicLink(dir.resolve("model.safetensors"))).isTrue();
        assertThat(Files.readSymbolicLink(dir.resolve("model.safetensors")).toString())
                .isEqualTo("../../blobs/" + FakeHub.sha(WEIGHTS));
        try (Stream<Path> blobs = Files.list(tmp.resolve("models--acme--tiny-vlm/blobs"))) {
            assertThat(blobs.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock")))
                    .containsExactlyInAnyOrder(FakeHub.sha(WEIGHTS), FakeHub.sha(CONFIG));
        }
        assertThat(cache.isCached(model, profile)).isTrue();
    }

    @Test
    void profilesPuttingDifferentFilesAtOnePathDoNotPassForEachOther() throws Exception {
        byte[] q8 = random(1000, 5);
        hub.hf(REPO, "main", "q8/model.safetensors", q8, true);
        ProfileFile q8File = new ProfileFile("hf://" + REPO + ":main?file=q8/model.safetensors", "model.safetensors", Optional.empty(),
                OptionalLong.empty());
        ModelEntry q8Model = model(REPO, "main", q8File);
        ModelCache cache = cache(tmp, settings(hub));
        cache.ensure(model, profile);
        assertThat(cache.isCached(q8Model, q8Model.profiles().getFirst())).isFalse();
        Path dir = cache.ensure(q8Model, q8Model.profiles().getFirst());
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(q8);
        assertThat(cache.isCached(model, profile)).isFalse();
    }

    @Test
    void filesOfAProfileDownloadSideBySide() throws Exception {
        byte[] shard2 = random(500_000, 9);
        hub.hf(REPO, "main", "model-00002.safetensors", shard2, true);
        ModelEntry sharded = model(REPO, "main", file("hf://" + REPO + ":main?file=model.safetensors"),
                file("hf://" + REPO + ":main?file=model-00002.safetensors"));
        hub.holdBodies = new java.util.concurrent.CountDownLatch(1);
        try (var pool = java.util.concurrent.Executors.newSingleThreadExecutor()) {
            var done = pool.submit(() -> cache(tmp, settings(hub)).ensure(sharded, sharded.profiles().getFirst()));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (hub.count("cdn", "/blob/") < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(hub.count("cdn", "/blob/")).as("both bodies requested before either finished").isEqualTo(2);
            hub.holdBodies.countDown();
            Path dir = done.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(Files.readAllBytes(dir.resolve("model-00002.safetensors"))).isEqualTo(shard2);
        }
    }

    @Test
    void aStartWithEverythingCachedNeedsNoNetworkAndNoKey() throws Exception {
        cache(tmp, settings(hub)).ensure(model, profile);
        int before = hub.requests.size();
        hub.close(); // no network from here on
        ModelCache offline = cache(tmp, settings(hub));
        assertThat(offline.ensure(model, profile)).isDirectory();
        assertThat(hub.requests).hasSize(before);
    }

    @Test
    void resumesWithARangeRequestWhenTheServerDropsMidBody() throws Exception {
        hub.dropsLeft.set(2);
        Path dir = cache(tmp, settings(hub)).ensure(model, profile);
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        var cdn = hub.requests.stream().filter(r -> r.server().equals("cdn")).toList();
        assertThat(cdn).hasSize(3);
        assertThat(cdn.get(0).range()).isNull();
        // The server sent half the body before dropping; the client resumes from what it received
        // (a reset connection may lose the last bytes in flight, so "up to half").
        assertThat(cdn.get(1).range()).isNotNull();
        long resumedAt = Long.parseLong(cdn.get(1).range().replaceAll("\\D", ""));
        assertThat(resumedAt).isPositive().isLessThanOrEqualTo(WEIGHTS.length / 2);
        assertThat(cdn.get(2).range()).matches("bytes=\\d+-");
    }

    @Test
    void resumesAStalledTransfer() throws Exception {
        hub.stallsLeft.set(1);
        var c = new ModelCache(new CacheRoot(tmp, true), ModelCache.defaultClient(), settings(hub).sources(), CacheTestSupport.QUIET,
                java.time.Duration.ofMillis(300));
        long t0 = System.nanoTime();
        Path dir = c.ensure(model, profile);
        assertThat(System.nanoTime() - t0).as("well before the CDN's 10 s stall ends").isLessThan(8_000_000_000L);
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        var cdn = hub.requests.stream().filter(r -> r.server().equals("cdn")).toList();
        assertThat(cdn).hasSize(2);
        assertThat(cdn.get(1).range()).matches("bytes=[1-9]\\d*-");
    }

    @Test
    void resumesAPartialFileLeftByAnEarlierProcess() throws Exception {
        ModelCache cache = cache(tmp, settings(hub));
        String key = dev.jnim.manifest.ProfileIds.sha256Hex(profile.files().get(1).uri().getBytes(StandardCharsets.UTF_8));
        Path blobs = Files.createDirectories(tmp.resolve("models--acme--tiny-vlm/blobs"));
        Files.write(blobs.resolve(key + ".incomplete"), java.util.Arrays.copyOf(WEIGHTS, 1000));
        Path dir = cache.ensure(model, profile);
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(hub.requests.stream().filter(r -> r.server().equals("cdn")).map(FakeHub.Request::range))
                .containsExactly("bytes=1000-");
        assertThat(blobs.resolve(key + ".incomplete")).doesNotExist();
    }

    @Test
    void aPartialFileThatIsAlreadyWholeIsVerifiedNotDownloadedAgain() throws Exception {
        String key = dev.jnim.manifest.ProfileIds.sha256Hex(profile.files().get(1).uri().getBytes(StandardCharsets.UTF_8));
        Path blobs = Files.createDirectories(tmp.resolve("models--acme--tiny-vlm/blobs"));
        Files.write(blobs.resolve(key + ".incomplete"), WEIGHTS); // the earlier process died before the rename
        Path dir = cache(tmp, settings(hub)).ensure(model, profile);
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(hub.requests.stream().filter(r -> r.server().equals("cdn")).map(FakeHub.Request::range))
                .containsExactly("bytes=" + WEIGHTS.length + "-"); // answered 416: nothing downloaded again
    }

    @Test
    void wrongChecksumFromTheHubIsRejectedAndNothingIsPublished() {
        hub.lieAboutSha(REPO, "main", "model.safetensors", "f".repeat(64));
        assertThatThrownBy(() -> cache(tmp, settings(hub)).ensure(model, profile))
                .isInstanceOf(CacheException.class)
                .hasMessage("checksum mismatch for hf://acme/tiny-vlm:main?file=model.safetensors: expected sha256 " + "f".repeat(64)
                        + ", got " + FakeHub.sha(WEIGHTS) + "; the download was discarded, run again to retry");
        Path snapshot = tmp.resolve("models--acme--tiny-vlm/snapshots/main");
        assertThat(snapshot.resolve("model.safetensors")).doesNotExist();
        assertThat(tmp.resolve("models--acme--tiny-vlm/blobs/" + FakeHub.sha(WEIGHTS))).doesNotExist();
    }

    @Test
    void wrongChecksumOrSizeFromTheManifestIsRejected() {
        ProfileFile bad = new ProfileFile("hf://" + REPO + ":main?file=config.json", "config.json", Optional.of("0".repeat(64)),
                OptionalLong.empty());
        ModelEntry m = model(REPO, "main", bad);
        assertThatThrownBy(() -> cache(tmp, settings(hub)).ensure(m, m.profiles().getFirst()))
                .isInstanceOf(CacheException.class).hasMessageStartingWith("checksum mismatch for hf://acme/tiny-vlm:main?file=config.json");
        ProfileFile wrongSize = new ProfileFile("hf://" + REPO + ":main?file=config.json", "config.json", Optional.empty(), OptionalLong.of(3));
        ModelEntry m2 = model(REPO, "main", wrongSize);
        assertThatThrownBy(() -> cache(tmp, settings(hub)).ensure(m2, m2.profiles().getFirst()))
                .isInstanceOf(CacheException.class)
                .hasMessageStartingWith("size mismatch for hf://acme/tiny-vlm:main?file=config.json: expected 3 bytes, got " + CONFIG.length);
    }

    @Test
    void gatedRepoWithoutTokenNamesHfToken() {
        hub.gated(REPO);
        assertThatThrownBy(() -> cache(tmp, settings(hub)).ensure(model, profile))
                .isInstanceOf(CacheException.class)
                .hasMessage("401 Unauthorized for hf://acme/tiny-vlm:main?file=config.json: the repository is gated or private; "
                        + "set HF_TOKEN to a Hugging Face token that can read it");
    }

    @Test
    void gatedRepoWithAnotherAccountsTokenSaysToRequestAccessAndNeverShowsTheToken() {
        hub.gated(REPO);
        assertThatThrownBy(() -> cache(tmp, settings(hub, "HF_TOKEN", "hf_not-granted-SECRET")).ensure(model, profile))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("403 Forbidden")
                .hasMessageContaining("to the account of HF_TOKEN; request access at " + hub.hubUrl() + "/acme/tiny-vlm")
                .message().doesNotContain("SECRET");
    }

    @Test
    void gatedRepoWithTheRightTokenDownloadsAndTheTokenStaysOnTheHubOrigin() throws Exception {
        hub.gated(REPO);
        cache(tmp, settings(hub, "HF_TOKEN", "good-hf-token")).ensure(model, profile);
        assertThat(hub.requests).filteredOn(r -> r.server().equals("hub")).allMatch(r -> "Bearer good-hf-token".equals(r.authorization()));
        assertThat(hub.requests).filteredOn(r -> r.server().equals("cdn")).isNotEmpty().allMatch(r -> r.authorization() == null);
    }

    @Test
    void briefServerErrorsAreRetriedAndLastingOnesReported() throws Exception {
        hub.unavailableLeft.set(2);
        assertThat(cache(tmp, settings(hub)).ensure(model, profile)).isDirectory();
        hub.unavailableLeft.set(100);
        ModelEntry m = model(REPO, "main", file("hf://" + REPO + ":main?file=other.json"));
        assertThatThrownBy(() -> cache(tmp, settings(hub)).ensure(m, m.profiles().getFirst()))
                .isInstanceOf(CacheException.class)
                .hasMessage("HTTP 503 while downloading hf://acme/tiny-vlm:main?file=other.json (after 5 attempts)");
    }

    @Test
    void noNetworkAndNothingCachedSaysSo() {
        var s = settings(hub);
        hub.close();
        assertThatThrownBy(() -> cache(tmp, s).ensure(model, profile))
                .isInstanceOf(CacheException.class)
                .hasMessageStartingWith("cannot connect to " + hub.hubUrl() + " to download hf://acme/tiny-vlm:main?file=config.json (")
                .hasMessageEndingWith("); files not in the cache need network access");
    }

    @Test
    void missingFileIs404() {
        ModelEntry m = model(REPO, "main", file("hf://" + REPO + ":main?file=nope.json"));
        assertThatThrownBy(() -> cache(tmp, settings(hub)).ensure(m, m.profiles().getFirst()))
                .isInstanceOf(CacheException.class)
                .hasMessage("404 Not Found: hf://acme/tiny-vlm:main?file=nope.json does not exist; check the repository, the revision and the file name");
    }

    @Test
    void blockedRepoIs451() {
        hub.blocked(REPO);
        assertThatThrownBy(() -> cache(tmp, settings(hub)).ensure(model, profile))
                .isInstanceOf(CacheException.class).hasMessageStartingWith("451 Unavailable For Legal Reasons");
    }

    @Test
    void readOnlyCacheServesWhatItHasAndNamesWhatItLacks() throws Exception {
        cache(tmp, settings(hub)).ensure(model, profile);
        hub.close();
        var readOnly = new ModelCache(new CacheRoot(tmp, false), ModelCache.defaultClient(), settings(hub).sources(), CacheTestSupport.QUIET);
        assertThat(readOnly.ensure(model, profile)).isDirectory();
        ModelEntry other = model("acme/other", "main", file("hf://acme/other:main?file=config.json"));
        assertThatThrownBy(() -> readOnly.ensure(other, other.profiles().getFirst()))
                .isInstanceOf(CacheException.class)
                .hasMessageStartingWith("the cache " + tmp + " is read-only and lacks config.json of profile ");
    }

    @Test
    void cacheRootFallsBackWhenItCannotBeCreated() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("a-file"), "x");
        CacheRoot root = CacheRoot.resolve(blocker.resolve("cache"), tmp.resolve("fallback"));
        assertThat(root.path()).isEqualTo(tmp.resolve("fallback"));
        assertThat(root.writable()).isTrue();
        assertThat(CacheRoot.resolve(tmp.resolve("new/cache"), tmp.resolve("unused")).path()).isEqualTo(tmp.resolve("new/cache"));
    }

    @Test
    void plainUrlSourceWithAManifestChecksum() throws Exception {
        String url = hub.cdnUrl() + "/blob/" + FakeHub.sha(WEIGHTS);
        ModelEntry m = model("acme/url-model", "v1",
                new ProfileFile(url, "model.safetensors", Optional.of(FakeHub.sha(WEIGHTS)), OptionalLong.of(WEIGHTS.length)));
        Path dir = cache(tmp, settings(hub)).ensure(m, m.profiles().getFirst());
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(hub.requests).singleElement().extracting(FakeHub.Request::authorization).isNull();
    }

    @Test
    void localAndMissingClasspathSources() throws Exception {
        Path src = Files.writeString(tmp.resolve("local-config.json"), "{}");
        ModelEntry m = model("local/m", "v1", new ProfileFile(src.toUri().toString(), "config.json", Optional.empty(), OptionalLong.empty()));
        Path dir = cache(tmp.resolve("c"), settings(hub)).ensure(m, m.profiles().getFirst());
        assertThat(Files.readString(dir.resolve("config.json"))).isEqualTo("{}");
        ModelEntry embedded = model("jnim/demo-vlm", "embedded",
                new ProfileFile("classpath:dev/jnim/models/demo-vlm/config.json", "config.json", Optional.empty(), OptionalLong.empty()));
        Path demo = cache(tmp.resolve("c"), settings(hub)).ensure(embedded, embedded.profiles().getFirst());
        assertThat(Files.readString(demo.resolve("config.json"))).contains("LlavaForConditionalGeneration");
        ModelEntry missing = model("acme/absent", "v1",
                new ProfileFile("classpath:dev/jnim/models/absent/config.json", "config.json", Optional.empty(), OptionalLong.empty()));
        assertThatThrownBy(() -> cache(tmp.resolve("c"), settings(hub)).ensure(missing, missing.profiles().getFirst()))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("classpath resource dev/jnim/models/absent/config.json is not inside this jnim build");
    }
}
