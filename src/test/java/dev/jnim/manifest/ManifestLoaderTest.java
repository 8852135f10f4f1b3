package dev.jnim.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestLoaderTest {

    @TempDir
    Path tmp;

    @Test
    void builtinHasTheEmbeddedModelAndTheFivePublicVlms() {
        Manifest m = ManifestLoader.builtin();
        assertThat(m.models()).extracting(ModelEntry::name).containsExactly(
                "jnim/demo-vlm", "HuggingFaceTB/SmolVLM-256M-Instruct", "HuggingFaceTB/SmolVLM-500M-Instruct",
                "meta-llama/Llama-3.2-11B-Vision-Instruct", "Qwen/Qwen2-VL-2B-Instruct", "llava-hf/llava-1.5-7b-hf");
        for (ModelEntry e : m.models()) {
            assertThat(e.profiles()).extracting(Profile::name).containsExactly("cpu-bf16", "cpu-q8_0");
            for (Profile p : e.profiles()) {
                assertThat(p.id()).matches("[0-9a-f]{64}");
                assertThat(p.tags()).containsEntry("llm_engine", "jnim").containsEntry("device", "cpu");
                assertThat(p.files()).extracting(ProfileFile::path).contains("config.json", "tokenizer.json");
            }
        }
        var ids = new HashSet<String>();
        m.profiles().forEach(p -> assertThat(ids.add(p.id())).as("unique id %s", p.label()).isTrue());
    }

    @Test
    void shardedModelsListTheirIndexAndEveryShard() {
        Profile qwen = ManifestLoader.builtin().model("Qwen/Qwen2-VL-2B-Instruct").orElseThrow().profiles().getFirst();
        assertThat(qwen.files()).extracting(ProfileFile::path).contains("model.safetensors.index.json",
                "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");
        assertThat(qwen.files()).extracting(ProfileFile::uri)
                .contains("hf://Qwen/Qwen2-VL-2B-Instruct:main?file=model-00002-of-00002.safetensors");
    }

    @Test
    void idsAreStableContentHashes() {
        Manifest a = ManifestLoader.builtin();
        Manifest b = ManifestLoader.builtin();
        assertThat(a.profiles().map(Profile::id).toList()).isEqualTo(b.profiles().map(Profile::id).toList());
        Profile p = a.profiles().findFirst().orElseThrow();
        assertThat(ProfileIds.compute(p.model(), p.name(), p.tags(), p.files())).isEqualTo(p.id());
        // any change of content changes the id
        var tags = new java.util.LinkedHashMap<>(p.tags());
        tags.put("precision", "fp32");
        assertThat(ProfileIds.compute(p.model(), p.name(), tags, p.files())).isNotEqualTo(p.id());
    }

    @Test
    void precedenceOverrideThenNimLocationThenBuiltin() throws Exception {
        Path nim = tmp.resolve("model_manifest.yaml");
        assertThat(ManifestLoader.load(Optional.empty(), nim).source()).isEqualTo("builtin");
        Files.copy(Path.of("src/test/resources/manifest/gpu-manifest.yaml"), nim);
        assertThat(ManifestLoader.load(Optional.empty(), nim).source()).isEqualTo(nim.toString());
        Path other = tmp.resolve("other.yaml");
        Files.writeString(other, "models:\n  - name: x/y\n    profiles:\n      - name: p\n        files: [{uri: 'file:///m/config.json'}]\n");
        Manifest m = ManifestLoader.load(Optional.of(other), nim);
        assertThat(m.models()).extracting(ModelEntry::name).containsExactly("x/y");
        assertThat(m.models().getFirst().profiles().getFirst().files().getFirst().path()).isEqualTo("config.json");
    }

    @Test
    void missingOverrideIsAnError() {
        assertThatThrownBy(() -> ManifestLoader.load(Optional.of(tmp.resolve("nope.yaml")), tmp.resolve("x")))
                .isInstanceOf(ManifestException.class).hasMessageContaining("NIM_MANIFEST_PATH");
    }

    @Test
    void wrongDeclaredIdIsAnError() {
        String yaml = "models:\n  - name: x/y\n    profiles:\n      - name: p\n        id: " + "a".repeat(64)
                + "\n        files: [{uri: 'file:///m/config.json'}]\n";
        assertThatThrownBy(() -> ManifestParser.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "t"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("declares id " + "a".repeat(64));
    }

    @Test
    void malformedManifestsAreErrors() {
        for (String yaml : List.of("models: 3", "models:\n  - description: no name\n", "models:\n  - name: a/b\n    profiles: []\n",
                "models:\n  - name: a/b\n    profiles:\n      - name: p\n        files: [{uri: 'x', sha256: 'XYZ'}]\n",
                "models:\n  - name: a/b\n    profiles:\n      - name: p\n        tags: {tp: two}\n        files: [{uri: 'file:///x'}]\n",
                "models:\n  - name: a/b\n    profiles:\n      - name: p\n        tags: {min_memory_gib: 4GB}\n        files: [{uri: 'file:///x'}]\n",
                "models:\n  - name: a/b\n    profiles:\n      - name: p\n        tags: {device: tpu}\n        files: [{uri: 'file:///x'}]\n")) {
            assertThatThrownBy(() -> ManifestParser.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "t"))
                    .as(yaml).isInstanceOf(ManifestException.class);
        }
    }
}
