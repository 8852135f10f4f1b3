package dev.jnim.hardware;

import dev.jnim.config.Settings;
import java.nio.file.Path;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects the {@link Hardware}. The file-system root and the {@link GpuProbe} are parameters so tests
 * run on fixture directories and recorded {@code nvidia-smi} outputs.
 */
public final class HardwareDetector {

    private static final Logger LOG = LoggerFactory.getLogger(HardwareDetector.class);

    private final Path root;
    private final GpuProbe probe;

    public HardwareDetector(Path root, GpuProbe probe) {
        this.root = root;
        this.probe = probe;
    }

    /** The running machine: {@code /} and the real {@code nvidia-smi}. */
    public static HardwareDetector system() {
        return new HardwareDetector(Path.of("/"), new NvidiaSmi());
    }

    public Hardware detect(Settings settings) {
        int cores = Runtime.getRuntime().availableProcessors();
        CpuInfo cpu = new CpuInfoReader(root).read(cores, FloatVector.SPECIES_PREFERRED.vectorBitSize());
        MemoryInfo memory = new MemoryInfoReader(root).read();
        List<GpuInfo> all = probe.nvidiaSmi(NvidiaSmiParser.QUERY_ARGS)
                .map(csv -> NvidiaSmiParser.parse(csv, probe.nvidiaSmi(List.of("-L")).orElse("")))
                .orElse(List.of());
        List<GpuInfo> visible = VisibleDevices.filter(all, settings.devices().nvidiaVisibleDevices(),
                settings.devices().cudaVisibleDevices());
        LOG.debug("CPU {} ({} cores, {}, {}-bit vectors), memory {} MiB available, GPUs visible {}/{}",
                cpu.model(), cpu.cores(), cpu.isa(), cpu.vectorBitSize(), memory.availableBytes() >> 20,
                visible.size(), all.size());
        return new Hardware(cpu, memory, visible, all);
    }
}
