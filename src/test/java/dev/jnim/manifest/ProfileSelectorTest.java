package dev.jnim.manifest;

import static dev.jnim.manifest.TestHardware.AVX2;
import static dev.jnim.manifest.TestHardware.AVX512;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnim.hardware.Hardware;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProfileSelectorTest {

    private final ModelEntry model = TestHardware.gpuModel();

    private String auto(Hardware hw) {
        return ProfileSelector.select(model, hw, Optional.empty(), false).profile().name();
    }

    private Profile named(String name) {
        return model.profiles().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void selectionTable() {
        record Row(String what, Hardware hw, String expected) {}
        var rows = new Row[] {
            new Row("no GPU, AVX2: lower precision wins", TestHardware.cpuOnly(AVX2, 16), "cpu-q8_0"),
            new Row("no GPU, AVX-512: ISA-specific before generic", TestHardware.cpuOnly(AVX512, 16), "cpu-avx512-bf16"),
            new Row("one H100: specific GPU, then fp8 before bf16", TestHardware.machine(AVX2, 16, "h100", Optional.empty()), "gpu-h100-fp8"),
            new Row("A6000 + GeForce, all visible", TestHardware.machine(AVX2, 16, "a6000-geforce", Optional.empty()), "gpu-a6000-bf16"),
            new Row("A6000 + GeForce, CUDA_VISIBLE_DEVICES=1", TestHardware.machine(AVX2, 16, "a6000-geforce", Optional.of("1")), "gpu-a6000-bf16"),
            new Row("A6000 + GeForce, CUDA_VISIBLE_DEVICES=0 (display GPU only)",
                    TestHardware.machine(AVX2, 16, "a6000-geforce", Optional.of("0")), "cpu-q8_0"),
            new Row("A6000 + GeForce, CUDA_VISIBLE_DEVICES empty", TestHardware.machine(AVX2, 16, "a6000-geforce", Optional.of("")), "cpu-q8_0"),
            new Row("two A100 (MIG box): generic tp2 GPU profile", TestHardware.machine(AVX2, 16, "mig", Optional.empty()), "gpu-bf16-tp2"),
            new Row("low memory: only q8_0 fits in 3 GiB", TestHardware.cpuOnly(AVX512, 3), "cpu-q8_0"),
        };
        for (Row r : rows) {
            assertThat(auto(r.hw())).as(r.what()).isEqualTo(r.expected());
        }
    }

    @Test
    void logLinesFollowNim() {
        ProfileSelection s = ProfileSelector.select(model, TestHardware.machine(AVX2, 16, "h100", Optional.empty()), Optional.empty(), false);
        Profile fp8 = named("gpu-h100-fp8");
        assertThat(s.logLines()).containsExactly(
                "Detected 4 compatible profile(s).",
                "Valid profile: " + fp8.id() + " (gpu-h100-fp8) on GPUs [0]",
                "Valid profile: " + named("gpu-h100-bf16").id() + " (gpu-h100-bf16) on GPUs [0]",
                "Valid profile: " + named("cpu-q8_0").id() + " (cpu-q8_0) on CPU",
                "Valid profile: " + named("cpu-bf16").id() + " (cpu-bf16) on CPU",
                "Selected profile: " + fp8.id() + " (gpu-h100-fp8)",
                "Profile metadata: llm_engine: jnim",
                "Profile metadata: precision: fp8",
                "Profile metadata: device: gpu",
                "Profile metadata: tp: 1",
                "Profile metadata: pp: 1",
                "Profile metadata: gpu: H100",
                "Profile metadata: gpu_device: 2330:10de",
                "Profile metadata: profile: throughput",
                "Profile metadata: min_memory_gib: 40");
        assertThat(s.unsafe()).isFalse();
    }

    @Test
    void a6000IsChosenOnItsOwnIndex() {
        ProfileSelection s = ProfileSelector.select(model, TestHardware.machine(AVX2, 16, "a6000-geforce", Optional.empty()),
                Optional.empty(), false);
        assertThat(s.compatibility()).isEqualTo(new Compatibility.Runnable(java.util.List.of(1)));
    }

    @Test
    void requestedByIdOrNameOrDefault() {
        Hardware hw = TestHardware.cpuOnly(AVX512, 16);
        String bf16Id = named("cpu-bf16").id();
        assertThat(ProfileSelector.select(model, hw, Optional.of(bf16Id), false).profile().name()).isEqualTo("cpu-bf16");
        assertThat(ProfileSelector.select(model, hw, Optional.of("cpu-bf16"), false).profile().id()).isEqualTo(bf16Id);
        // default = most compatible: generic CPU with the smallest footprint, not the AVX-512 one
        assertThat(ProfileSelector.select(model, hw, Optional.of("default"), false).profile().name()).isEqualTo("cpu-q8_0");
    }

    @Test
    void unknownProfileListsValidIdsAndNames() {
        assertThatThrownBy(() -> ProfileSelector.select(model, TestHardware.cpuOnly(AVX2, 16), Optional.of("cpu-fp4"), false))
                .isInstanceOf(ProfileSelectionException.class)
                .hasMessageStartingWith("NIM_MODEL_PROFILE='cpu-fp4' matches no profile of model test/vlm; valid profiles: ")
                .hasMessageContaining(named("cpu-q8_0").id() + " (cpu-q8_0)")
                .hasMessageContaining("(vllm-fp16-tp1)")
                .hasMessageEndingWith(", or 'default'");
    }

    @Test
    void incompatibleProfileFailsUnlessUnsafeIsAllowed() {
        Hardware hw = TestHardware.cpuOnly(AVX2, 16);
        assertThatThrownBy(() -> ProfileSelector.select(model, hw, Optional.of("gpu-h100-bf16"), false))
                .isInstanceOf(ProfileSelectionException.class)
                .hasMessageContaining("(gpu-h100-bf16) is not compatible with this system (needs 1 x H100 GPU, found 0)")
                .hasMessageEndingWith("set NIM_MANIFEST_ALLOW_UNSAFE=1 to use it anyway");
        ProfileSelection s = ProfileSelector.select(model, hw, Optional.of("gpu-h100-bf16"), true);
        assertThat(s.profile().name()).isEqualTo("gpu-h100-bf16");
        assertThat(s.unsafe()).isTrue();
    }

    @Test
    void nothingFitsInOneGib() {
        Hardware hw = TestHardware.cpuOnly(AVX2, 1);
        assertThatThrownBy(() -> ProfileSelector.select(model, hw, Optional.empty(), false))
                .isInstanceOf(ProfileSelectionException.class)
                .hasMessageStartingWith("No profile of model test/vlm is compatible with this system: ")
                .hasMessageContaining("cpu-q8_0 lacks memory (requires >=2 GiB memory, 1 GiB available)")
                .hasMessageContaining("vllm-fp16-tp1 is not compatible with this system (engine vllm is not available in jnim)");
        // unsafe: the best of the profiles that are only short of memory
        ProfileSelection s = ProfileSelector.select(model, hw, Optional.empty(), true);
        assertThat(s.profile().name()).isEqualTo("cpu-q8_0");
        assertThat(s.compatibility()).isInstanceOf(Compatibility.LowMemory.class);
    }
}
