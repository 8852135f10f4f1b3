package dev.jnim.manifest;

import static dev.jnim.manifest.TestHardware.AVX2;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.hardware.Hardware;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProfileListingTest {

    private final ModelEntry model = TestHardware.gpuModel();

    private String id(String name) {
        return model.profiles().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().id();
    }

    @Test
    void a6000WithBusyDisplayGpuLineByLine() {
        Hardware hw = TestHardware.machine(AVX2, 16, "a6000-geforce", Optional.empty());
        assertThat(ProfileListing.render(hw, model)).containsExactly(
                "SYSTEM INFO",
                "- Free GPUs:",
                "  -  [2230:10de] (1) NVIDIA RTX A6000 (47 GiB) [current utilization: 0%]",
                "- Non-free GPUs:",
                "  -  [2206:10de] (0) NVIDIA GeForce RTX 3080 (10 GiB) [current utilization: 7%]",
                "- CPU: AMD EPYC 7763 64-Core Processor (16 cores, avx2, 256-bit vectors)",
                "- Memory: 16.0 GiB available of 64.0 GiB",
                "MODEL PROFILES",
                "- Model: test/vlm",
                "- Compatible with system and runnable:",
                "  - " + id("gpu-a6000-bf16") + " (gpu-a6000-bf16)",
                "  - " + id("cpu-q8_0") + " (cpu-q8_0)",
                "  - " + id("cpu-bf16") + " (cpu-bf16)",
                "- Compatible with system but low memory:",
                "  - " + id("gpu-bf16-tp2") + " (gpu-bf16-tp2) [requires >=20 GiB free on each of 2 GPU(s)]",
                "- Incompatible with system:",
                "  - " + id("gpu-h100-fp8") + " (gpu-h100-fp8) [needs 1 x H100 GPU, found 0]",
                "  - " + id("gpu-h100-bf16") + " (gpu-h100-bf16) [needs 1 x H100 GPU, found 0]",
                "  - " + id("cpu-avx512-bf16") + " (cpu-avx512-bf16) [needs a CPU with avx512]",
                "  - " + id("vllm-fp16-tp1") + " (vllm-fp16-tp1) [engine vllm is not available in jnim]");
    }

    @Test
    void noGpuLowMemoryMachine() {
        Hardware hw = TestHardware.cpuOnly(AVX2, 3);
        var lines = ProfileListing.render(hw, model);
        assertThat(lines.subList(0, 3)).containsExactly("SYSTEM INFO", "- Free GPUs: <None>", "- Non-free GPUs: <None>");
        assertThat(lines).containsSubsequence(
                "- Compatible with system and runnable:",
                "  - " + id("cpu-q8_0") + " (cpu-q8_0)",
                "- Compatible with system but low memory:",
                "  - " + id("cpu-bf16") + " (cpu-bf16) [requires >=4 GiB memory, 3 GiB available]",
                "- Incompatible with system:");
    }

    @Test
    void migUtilisationIsNotAvailable() {
        Hardware hw = TestHardware.machine(AVX2, 16, "mig", Optional.empty());
        assertThat(ProfileListing.render(hw, model))
                .contains("  -  [20b2:10de] (0) NVIDIA A100-SXM4-80GB (80 GiB) [current utilization: N/A]");
    }

    @Test
    void manifestDocumentMarksCompatibilityAndSelection() {
        Hardware hw = TestHardware.cpuOnly(AVX2, 16);
        Manifest manifest = TestHardware.manifest("gpu-manifest.yaml");
        ObjectNode doc = ManifestDocument.build(manifest, hw, Optional.of(id("cpu-q8_0")));
        JsonNode profiles = doc.path("models").get(0).path("profiles");
        assertThat(doc.path("source").asText()).isEqualTo("gpu-manifest.yaml");
        assertThat(profiles).hasSize(8);
        JsonNode q8 = profiles.get(6);
        assertThat(q8.path("name").asText()).isEqualTo("cpu-q8_0");
        assertThat(q8.path("id").asText()).isEqualTo(id("cpu-q8_0"));
        assertThat(q8.path("compatibility").asText()).isEqualTo("runnable");
        assertThat(q8.path("selected").asBoolean()).isTrue();
        assertThat(q8.path("tags").path("precision").asText()).isEqualTo("q8_0");
        assertThat(q8.path("files").get(1).path("size").asLong()).isEqualTo(10);
        JsonNode h100 = profiles.get(0);
        assertThat(h100.path("compatibility").asText()).isEqualTo("incompatible");
        assertThat(h100.path("compatibility_detail").asText()).isEqualTo("needs 1 x H100 GPU, found 0");
        assertThat(h100.path("selected").asBoolean()).isFalse();
        assertThat(doc.path("models").get(0).path("license").path("file").asText()).isEqualTo("LICENSE");
    }
}
