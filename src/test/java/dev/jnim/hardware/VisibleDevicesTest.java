package dev.jnim.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VisibleDevicesTest {

    private final List<GpuInfo> two = Fixtures.gpus("a6000-geforce");
    private final List<GpuInfo> mig = Fixtures.gpus("mig");

    private List<String> names(Optional<String> nvidia, Optional<String> cuda, List<GpuInfo> gpus) {
        return VisibleDevices.filter(gpus, nvidia, cuda).stream().map(g -> g.index() + ":" + g.name()).toList();
    }

    @Test
    void unsetMeansAll() {
        assertThat(names(Optional.empty(), Optional.empty(), two)).hasSize(2);
    }

    @Test
    void emptyCudaVisibleDevicesMeansNone() {
        assertThat(names(Optional.empty(), Optional.of(""), two)).isEmpty();
    }

    @Test
    void indexSelectsTheComputeGpuAsInTheSeed() {
        assertThat(names(Optional.empty(), Optional.of("1"), two)).containsExactly("1:NVIDIA RTX A6000");
    }

    @Test
    void orderFollowsTheVariable() {
        assertThat(names(Optional.empty(), Optional.of("1,0"), two))
                .containsExactly("1:NVIDIA RTX A6000", "0:NVIDIA GeForce RTX 3080");
    }

    @Test
    void uuidPrefixSelects() {
        assertThat(names(Optional.empty(), Optional.of("GPU-4d6f"), two)).containsExactly("1:NVIDIA RTX A6000");
    }

    @Test
    void entriesAfterAnInvalidOneAreIgnoredAsCudaDoes() {
        assertThat(names(Optional.empty(), Optional.of("1,7,0"), two)).containsExactly("1:NVIDIA RTX A6000");
        assertThat(names(Optional.empty(), Optional.of("-1,0"), two)).isEmpty();
    }

    @Test
    void nvidiaVisibleDevicesAppliesFirstAndCudaIndicesAreRelative() {
        assertThat(names(Optional.of("none"), Optional.empty(), two)).isEmpty();
        assertThat(names(Optional.of("all"), Optional.empty(), two)).hasSize(2);
        assertThat(names(Optional.of("void"), Optional.empty(), two)).isEmpty();
        // the runtime exposes only GPU 1; CUDA then calls it device 0
        assertThat(names(Optional.of("1"), Optional.of("0"), two)).containsExactly("1:NVIDIA RTX A6000");
    }

    @Test
    void migUuidSelectsItsParentGpu() {
        assertThat(names(Optional.empty(), Optional.of("MIG-7d8e9f0a-1b2c-5d3e-4f5a-6b7c8d9e0f1a"), mig))
                .containsExactly("0:NVIDIA A100-SXM4-80GB");
    }
}
