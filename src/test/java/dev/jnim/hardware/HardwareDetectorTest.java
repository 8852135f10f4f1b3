package dev.jnim.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HardwareDetectorTest {

    @Test
    void xeonWithCgroupV2LimitAndOneH100() {
        Hardware hw = new HardwareDetector(Fixtures.HARDWARE.resolve("xeon-cgroup2"), Fixtures.smi("h100"))
                .detect(Settings.defaults());
        assertThat(hw.cpu().model()).isEqualTo("Intel(R) Xeon(R) Platinum 8480+");
        assertThat(hw.cpu().hasAvx512()).isTrue();
        assertThat(hw.cpu().isa()).isEqualTo("avx512");
        assertThat(hw.cpu().cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(hw.cpu().vectorBitSize()).isGreaterThanOrEqualTo(64);
        // limit 16 GiB, 4 GiB used: 12 GiB left although MemAvailable says ~57 GiB
        assertThat(hw.memory().cgroupLimit()).hasValue(16L << 30);
        assertThat(hw.memory().availableBytes()).isEqualTo(12L << 30);
        assertThat(hw.memory().limitBytes()).isEqualTo(16L << 30);
        assertThat(hw.gpus()).hasSize(1);
    }

    @Test
    void cgroupV1UnlimitedMeansMemAvailable() {
        Hardware hw = new HardwareDetector(Fixtures.HARDWARE.resolve("epyc-cgroup1"), GpuProbe.none())
                .detect(Settings.defaults());
        assertThat(hw.cpu().isa()).isEqualTo("avx2");
        assertThat(hw.memory().cgroupLimit()).isEmpty();
        assertThat(hw.memory().availableBytes()).isEqualTo(6L << 30);
        assertThat(hw.memory().totalBytes()).isEqualTo(8L << 30);
        assertThat(hw.gpus()).isEmpty();
    }

    @Test
    void cgroupV2LimitOfAParentSliceBindsAProcessInASubCgroup() {
        // a host process in system.slice/jnim.service: its own cgroup says "max", the slice limits to 2 GiB (1 GiB used)
        Hardware hw = new HardwareDetector(Fixtures.HARDWARE.resolve("host-slice-cgroup2"), GpuProbe.none()).detect(Settings.defaults());
        assertThat(hw.memory().cgroupLimit()).hasValue(2L << 30);
        assertThat(hw.memory().availableBytes()).isEqualTo(1L << 30);
    }

    @Test
    void armWithoutLimitHasNoX86Isa() {
        Hardware hw = new HardwareDetector(Fixtures.HARDWARE.resolve("arm-nolimit"), GpuProbe.none())
                .detect(Settings.defaults());
        assertThat(hw.cpu().isa()).isEqualTo("generic");
        assertThat(hw.cpu().flags()).contains("asimd", "sve");
        assertThat(hw.cpu().model()).isEqualTo("unknown");
        assertThat(hw.memory().availableBytes()).isEqualTo(3L << 30);
    }

    @Test
    void cudaVisibleDevicesComesFromSettings() {
        Hardware hw = new HardwareDetector(Fixtures.HARDWARE.resolve("epyc-cgroup1"), Fixtures.smi("a6000-geforce"))
                .detect(Settings.fromEnv(Map.of("CUDA_VISIBLE_DEVICES", "1")));
        assertThat(hw.allGpus()).hasSize(2);
        assertThat(hw.gpus()).extracting(GpuInfo::name).containsExactly("NVIDIA RTX A6000");
    }
}
