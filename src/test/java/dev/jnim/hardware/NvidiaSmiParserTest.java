package dev.jnim.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class NvidiaSmiParserTest {

    @Test
    void singleH100() {
        List<GpuInfo> gpus = Fixtures.gpus("h100");
        assertThat(gpus).hasSize(1);
        GpuInfo g = gpus.getFirst();
        assertThat(g.index()).isZero();
        assertThat(g.name()).isEqualTo("NVIDIA H100 80GB HBM3");
        assertThat(g.uuid()).isEqualTo("GPU-b404a1a1-d532-5b5c-20bc-b34e37f3ac46");
        assertThat(g.pciDeviceId()).isEqualTo("2330:10de");
        assertThat(g.memoryTotalMib()).isEqualTo(81559);
        assertThat(g.memoryFreeMib()).isEqualTo(81003);
        assertThat(g.utilization()).isEqualTo(OptionalInt.of(0));
        assertThat(g.migDevices()).isEmpty();
        assertThat(g.isFree()).isTrue();
        assertThat(g.nameMatches("h100")).isTrue();
    }

    @Test
    void a6000WithGeForceDisplayGpu() {
        List<GpuInfo> gpus = Fixtures.gpus("a6000-geforce");
        assertThat(gpus).extracting(GpuInfo::name).containsExactly("NVIDIA GeForce RTX 3080", "NVIDIA RTX A6000");
        assertThat(gpus).extracting(GpuInfo::pciDeviceId).containsExactly("2206:10de", "2230:10de");
        assertThat(gpus.get(0).isFree()).isFalse(); // 1428 of 10240 MiB used by the desktop
        assertThat(gpus.get(1).isFree()).isTrue();
        assertThat(gpus.get(1).memoryTotalGib()).isEqualTo(47);
    }

    @Test
    void migInstancesAttachToTheirGpu() {
        List<GpuInfo> gpus = Fixtures.gpus("mig");
        assertThat(gpus).hasSize(2);
        assertThat(gpus.get(0).utilization()).isEmpty();
        assertThat(gpus.get(0).migDevices()).extracting(GpuInfo.MigDevice::profile).containsExactly("3g.40gb", "3g.40gb");
        assertThat(gpus.get(0).migDevices().get(1).uuid()).isEqualTo("MIG-7d8e9f0a-1b2c-5d3e-4f5a-6b7c8d9e0f1a");
        assertThat(gpus.get(1).migDevices()).isEmpty();
    }

    @Test
    void nameWithACommaIsKeptWhole() {
        List<GpuInfo> gpus = NvidiaSmiParser.parseQuery("0, GPU-1, 0x20B210DE, 100, 50, 1, Odd, Name\n");
        assertThat(gpus.getFirst().name()).isEqualTo("Odd, Name");
    }

    @Test
    void malformedLineIsAnError() {
        assertThatThrownBy(() -> NvidiaSmiParser.parseQuery("No devices were found\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("No devices were found");
    }
}
