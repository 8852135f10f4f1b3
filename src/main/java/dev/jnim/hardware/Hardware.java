package dev.jnim.hardware;

import java.util.List;

/**
 * The machine as jnim sees it at startup: the CPU, host memory, and the GPUs it may use
 * ({@code gpus}, already filtered by the visibility variables) out of all it found ({@code allGpus}).
 */
public record Hardware(CpuInfo cpu, MemoryInfo memory, List<GpuInfo> gpus, List<GpuInfo> allGpus) {

    public Hardware {
        gpus = List.copyOf(gpus);
        allGpus = List.copyOf(allGpus);
    }
}
