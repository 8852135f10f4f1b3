package dev.jnim.cache;

import static dev.jnim.cache.CacheTestSupport.random;
import static dev.jnim.cache.CacheTestSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.config.Settings;
import dev.jnim.hardware.CpuInfo;
import dev.jnim.hardware.Hardware;
import dev.jnim.hardware.MemoryInfo;
import dev.jnim.manifest.Manifest;
import dev.jnim.manifest.ManifestLoader;
import dev.jnim.manifest.ManifestParser;
import dev.jnim.manifest.ProfilePolicy;
import dev.jnim.manifest.ProfileSelectionException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ModelResolverTest {

    private static final Hardware CPU = new Hardware(new CpuInfo("test cpu", 4, Set.of("avx2"), 256),
            new MemoryInfo(16L << 30, 8L << 30, OptionalLong.empty()), List.of(), List.of());
    private static final byte[] CONFIG = "{\"model_type\":\"idefics3\",\"torch_dtype\":\"bfloat16\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WEIGHTS = random(100_000, 11);
    private static final String LICENSE = "Apache License 2.0 (test copy)\n";

    @TempDir
    Path tmp;
    FakeHub hub;
    Manifest manifest;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub()
                .hf("acme/tiny-vlm", "main", "config.json", CONFIG, false)
                .hf("acme/tiny-vlm", "main", "LICENSE", LICENSE.getBytes(StandardCharsets.UTF_8), false)
                .hf("acme/tiny-vlm", "main", "model.safetensors", WEIGHTS, true)
                .hf("acme/unlisted", "v2", "config.json", CONFIG, false)
                .hf("acme/unlisted", "v2", "tokenizer.json", "{}".getBytes(StandardCharsets.UTF_8), false)
                .hf("acme/unlisted", "v2", "model.safetensors", WEIGHTS, true)
                .hf("acme/unlisted", "v2", "onnx/model.onnx", WEIGHTS, true)
                .hf("acme/unlisted", "v2", "pytorch_model.bin", WEIGHTS, true);
        try (InputStream in = Files.newInputStream(Path.of("src/test/resources/cache/hub-manifest.yaml"))) {
            manifest = ManifestParser.parse(in, "hub-manifest.yaml");
        }
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private ModelResolver resolver(Manifest m, Settings s) {
        return new ModelResolver(s, m, ProfilePolicy.of(s, CPU), CacheTestSupport.cache(tmp.resolve("cache"), s), ModelCache.defaultClient());
    }

    private ModelResolver resolver(String... env) {
        return resolver(manifest, settings(hub, env));
    }

    @Test
    void defaultIsTheEmbeddedModelCopiedFromTheClasspathIntoTheCache() throws Exception {
        ModelResolver r = resolver(ManifestLoader.builtin(), settings(hub));
        assertThat(r.chooseModel().name()).isEqualTo("jnim/demo-vlm");
        assertThat(r.select(r.chooseModel()).profile().name()).isEqualTo("cpu-q8_0");
        ResolvedModel m = r.resolve();
        assertThat(m.servedModelNames()).containsExactly("jnim/demo-vlm");
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "preprocessor_config.json", "processor_config.json", "generation_config.json")) {
            try (InputStream in = ModelResolver.class.getResourceAsStream("/dev/jnim/models/demo-vlm/" + f)) {
                assertThat(Files.readAllBytes(m.directory().resolve(f))).as(f).isEqualTo(in.readAllBytes());
            }
        }
        assertThat(hub.requests).isEmpty(); // no network
    }

    @Test
    void manifestModelByNameIsDownloadedAndServedUnderItsName() throws Exception {
        ResolvedModel m = resolver("NIM_MODEL_NAME", "acme/tiny-vlm").resolve();
        assertThat(m.profile().name()).isEqualTo("cpu-q8_0");
        assertThat(m.directory()).isEqualTo(tmp.resolve("cache/models--acme--tiny-vlm/snapshots/main"));
        assertThat(Files.readAllBytes(m.directory().resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(m.servedModelNames()).containsExactly("acme/tiny-vlm");
        assertThat(hub.count("hub", "/api/models/")).isZero();
    }

    @Test
    void servedModelNamesAndProfileComeFromTheEnvironment() throws Exception {
        ResolvedModel m = resolver("NIM_MODEL_NAME", "hf://acme/tiny-vlm", "NIM_SERVED_MODEL_NAME", "tiny,tiny-vlm",
                "NIM_MODEL_PROFILE", "cpu-bf16").resolve();
        assertThat(m.model().name()).isEqualTo("acme/tiny-vlm"); // the manifest entry, not a hub listing
        assertThat(m.profile().name()).isEqualTo("cpu-bf16");
        assertThat(m.servedModelNames()).containsExactly("tiny", "tiny-vlm");
        assertThat(hub.count("hub", "/api/models/")).isZero();
    }

    @Test
    void hfRepositoryOutsideTheManifestUsesTheHubListingAndThenWorksOffline() throws Exception {
        ResolvedModel m = resolver("NIM_MODEL_NAME", "hf://acme/unlisted:v2").resolve();
        assertThat(m.model().profiles()).extracting(p -> p.name()).containsExactly("cpu-native", "cpu-q8_0");
        assertThat(m.profile().name()).isEqualTo("cpu-q8_0");
        try (var files = Files.list(m.directory())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config.json", "tokenizer.json", "model.safetensors");
        }
        assertThat(m.directory()).isEqualTo(tmp.resolve("cache/models--acme--unlisted/snapshots/v2"));
        hub.close();
        ResolvedModel again = resolver("NIM_MODEL_NAME", "hf://acme/unlisted:v2").resolve();
        assertThat(again.profile().id()).isEqualTo(m.profile().id());
    }

    @Test
    void unknownHfRepositoryIs404() {
        assertThatThrownBy(() -> resolver("NIM_MODEL_NAME", "hf://acme/missing").resolve())
                .isInstanceOf(CacheException.class).hasMessage("404 Not Found: repository hf://acme/missing:main does not exist (check the name and revision)");
    }

    @Test
    void localDirectoryIsServedInPlaceWithItsDtype() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("my-model"));
        Files.write(dir.resolve("config.json"), CONFIG);
        Files.writeString(dir.resolve("LICENSE"), LICENSE);
        ResolvedModel m = resolver("NIM_MODEL_NAME", dir.toString()).resolve();
        assertThat(m.directory()).isEqualTo(dir);
        assertThat(m.profile().name()).isEqualTo("local-bf16");
        assertThat(m.profile().precision()).isEqualTo("bf16");
        assertThat(m.servedModelNames()).containsExactly("my-model");
        assertThat(tmp.resolve("cache").toFile().list()).isNullOrEmpty();
        ObjectNode license = LicenseDocument.build(m);
        assertThat(license.path("name").asText()).isEqualTo("unknown");
        assertThat(license.path("path").asText()).isEqualTo("LICENSE");
        assertThat(license.path("content").asText()).isEqualTo(LICENSE);
        assertThat(license.path("size").asInt()).isEqualTo(LICENSE.length());
    }

    @Test
    void notAModelDirectory() {
        assertThatThrownBy(() -> resolver("NIM_MODEL_NAME", tmp.toString()).resolve())
                .isInstanceOf(CacheException.class).hasMessageEndingWith("is not a model directory (it needs at least a config.json)");
    }

    @Test
    void unknownNameListsTheManifestModels() {
        assertThatThrownBy(() -> resolver("NIM_MODEL_NAME", "acme/nope").resolve())
                .isInstanceOf(ProfileSelectionException.class)
                .hasMessageContaining("known models: acme/tiny-vlm, other/model");
    }

    @Test
    void ngcModelMustBeInTheManifest() {
        assertThatThrownBy(() -> resolver("NIM_MODEL_NAME", "ngc://nvidia/team/vlm:1.0").resolve())
                .isInstanceOf(ProfileSelectionException.class).hasMessageContaining("describe it in a manifest given by NIM_MANIFEST_PATH");
        assertThatThrownBy(() -> resolver("NIM_MODEL_NAME", "ngc://nvidia/vlm").resolve())
                .isInstanceOf(CacheException.class).hasMessageStartingWith("Invalid NIM_MODEL_NAME='ngc://nvidia/vlm'");
    }

    @Test
    void aProfileIdAloneChoosesItsModel() throws Exception {
        String otherId = manifest.model("other/model").orElseThrow().profiles().getFirst().id();
        assertThat(resolver("NIM_MODEL_PROFILE", otherId).chooseModel().name()).isEqualTo("other/model");
        assertThat(resolver().chooseModel().name()).isEqualTo("acme/tiny-vlm"); // no jnim/demo-vlm here: the first model
    }

    @Test
    void metadataAndLicenseDocuments() throws Exception {
        ResolvedModel m = resolver("NIM_MODEL_NAME", "acme/tiny-vlm").resolve();
        ObjectNode meta = MetadataDocument.build(m);
        assertThat(meta.path("selectedModelProfileId").asText()).isEqualTo(m.profile().id());
        assertThat(meta.path("profile").path("tags").path("precision").asText()).isEqualTo("q8_0");
        assertThat(meta.path("profile").path("compatibility").asText()).isEqualTo("runnable");
        assertThat(meta.path("modelInfo").get(0).path("shortName").asText()).isEqualTo("acme/tiny-vlm");
        assertThat(meta.path("licenseInfo").path("name").asText()).isEqualTo("apache-2.0");
        ObjectNode license = LicenseDocument.build(m);
        assertThat(license.path("name").asText()).isEqualTo("apache-2.0");
        assertThat(license.path("path").asText()).isEqualTo("LICENSE");
        assertThat(license.path("sha").asText()).isEqualTo(FakeHub.sha(LICENSE.getBytes(StandardCharsets.UTF_8)));
        assertThat(license.path("url").asText()).isEqualTo("https://example.com/license");
        assertThat(license.path("type").asText()).isEqualTo("file");
        assertThat(license.path("content").asText()).isEqualTo(LICENSE);
    }
}
