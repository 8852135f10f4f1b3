package dev.jnim.hardware;

import java.util.Set;

/**
 * The CPU jnim runs on.
 *
 * @param model          model name from {@code /proc/cpuinfo}, or the JVM's {@code os.arch} when unknown
 * @param cores          processors available to this JVM (honours cgroup CPU quotas)
 * @param flags          ISA flags from {@code /proc/cpuinfo} (e.g. {@code avx2}, {@code avx512f}); empty off Linux
 * @param vectorBitSize  the Vector API's preferred float vector width in bits (what the kernels use)
 */
public record CpuInfo(String model, int cores, Set<String> flags, int vectorBitSize) {

    public CpuInfo {
        flags = Set.copyOf(flags);
    }

    public boolean hasAvx2() {
        return flags.contains("avx2");
    }

    /** AVX-512 Foundation; the other AVX-512 subsets all require it. */
    public boolean hasAvx512() {
        return flags.contains("avx512f");
    }

    /** The widest x86 vector ISA, as a manifest tag value: {@code avx512}, {@code avx2} or {@code generic}. */
    public String isa() {
        return hasAvx512() ? "avx512" : hasAvx2() ? "avx2" : "generic";
    }
}
