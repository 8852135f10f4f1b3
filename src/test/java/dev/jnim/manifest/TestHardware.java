package dev.jnim.manifest;

import dev.jnim.config.Settings;
import dev.jnim.hardware.CpuInfo;
import dev.jnim.hardware.Fixtures;
import dev.jnim.hardware.GpuInfo;
import dev.jnim.hardware.Hardware;
import dev.jnim.hardware.MemoryInfo;
import dev.jnim.hardware.VisibleDevices;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Hardware and manifests for selection tests. */
final class TestHardware {

    static final CpuInfo AVX2 = new CpuInfo("AMD EPYC 7763 64-Core Processor", 16, Set.of("avx2"), 256);
    static final CpuInfo AVX512 = new CpuInfo("Intel(R) Xeon(R) Platinum 8480+", 32, Set.of("avx2", "avx512f"), 512);

    private TestHardware() {}

    static Hardware machine(CpuInfo cpu, double availableGib, String smiFixture, Optional<String> cudaVisible) {
        List<GpuInfo> all = smiFixture == null ? List.of() : Fixtures.gpus(smiFixture);
        List<GpuInfo> visible = VisibleDevices.filter(all, Optional.empty(), cudaVisible);
        long avail = (long) (availableGib * (1L << 30));
        return new Hardware(cpu, new MemoryInfo(64L << 30, avail, OptionalLong.empty()), visible, all);
    }

    static Hardware cpuOnly(CpuInfo cpu, double availableGib) {
        return machine(cpu, availableGib, null, Optional.empty());
    }

    static ModelEntry gpuModel() {
        return manifest("gpu-manifest.yaml").model("test/vlm").orElseThrow();
    }

    static Manifest manifest(String resource) {
        try (InputStream in = Files.newInputStream(Path.of("src/test/resources/manifest", resource))) {
            return ManifestParser.parse(in, resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Settings env(String... kv) {
        var m = new java.util.HashMap<String, String>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Settings.fromEnv(m);
    }
}
