package dev.jnim.hardware;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * One NVIDIA GPU as {@code nvidia-smi} reports it.
 *
 * @param index          the {@code nvidia-smi} index (PCI bus order)
 * @param uuid           {@code GPU-...}
 * @param name           product name, e.g. {@code NVIDIA H100 80GB HBM3}
 * @param pciDeviceId    {@code device:vendor} in lower-case hex as NIM prints it, e.g. {@code 2330:10de}
 * @param memoryTotalMib total memory in MiB
 * @param memoryFreeMib  free memory in MiB
 * @param utilization    GPU utilisation in percent; empty when not reported (MIG mode says "[N/A]")
 * @param migDevices     MIG instances listed by {@code nvidia-smi -L}; empty when MIG is off
 */
public record GpuInfo(int index, String uuid, String name, String pciDeviceId, long memoryTotalMib,
                      long memoryFreeMib, OptionalInt utilization, List<MigDevice> migDevices) {

    /** A MIG instance, e.g. profile {@code 3g.40gb}. */
    public record MigDevice(String profile, int deviceIndex, String uuid) {}

    public GpuInfo {
        migDevices = List.copyOf(migDevices);
    }

    /**
     * Whether nothing substantial runs on this GPU. NIM does not document its rule; jnim calls a GPU
     * free when less than 10% of its memory is in use.
     */
    public boolean isFree() {
        long used = memoryTotalMib - memoryFreeMib;
        return used * 10 < memoryTotalMib;
    }

    /** Total memory in GiB, rounded down. */
    public long memoryTotalGib() {
        return memoryTotalMib / 1024;
    }

    /** Whether this GPU's name contains {@code gpu} (case-insensitive), e.g. {@code H100} or {@code A6000}. */
    public boolean nameMatches(String gpu) {
        return name.toLowerCase(Locale.ROOT).contains(gpu.toLowerCase(Locale.ROOT));
    }
}
