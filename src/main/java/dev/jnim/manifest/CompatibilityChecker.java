package dev.jnim.manifest;

import dev.jnim.hardware.GpuInfo;
import dev.jnim.hardware.Hardware;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides how a {@link Profile} fits the {@link Hardware}. A profile for another engine is
 * incompatible; a CPU profile needs its {@code cpu_isa} (if any) and {@code min_memory_gib} of
 * available host memory; a GPU profile needs tp x pp visible GPUs matching {@code gpu_device} /
 * {@code gpu}, each with {@code min_memory_gib} free.
 */
public final class CompatibilityChecker {

    private static final double GIB = 1024.0 * 1024 * 1024;

    private CompatibilityChecker() {}

    public static Compatibility check(Profile p, Hardware hw) {
        String engine = p.tag("llm_engine").orElse("jnim");
        if (!engine.equals("jnim")) {
            return new Compatibility.Incompatible("engine " + engine + " is not available in jnim");
        }
        return switch (p.device()) {
            case "cpu" -> cpu(p, hw);
            case "gpu" -> gpu(p, hw);
            default -> new Compatibility.Incompatible("unknown device " + p.device());
        };
    }

    private static Compatibility cpu(Profile p, Hardware hw) {
        var isa = p.tag("cpu_isa");
        if (isa.isPresent()) {
            boolean ok = switch (isa.get().toLowerCase(Locale.ROOT)) {
                case "avx512" -> hw.cpu().hasAvx512();
                case "avx2" -> hw.cpu().hasAvx2();
                default -> hw.cpu().flags().contains(isa.get());
            };
            if (!ok) {
                return new Compatibility.Incompatible("needs a CPU with " + isa.get());
            }
        }
        double need = p.minMemoryGib();
        double have = hw.memory().availableBytes() / GIB;
        if (have < need) {
            return new Compatibility.LowMemory("requires >=" + gib(need) + " GiB memory, " + gib(have) + " GiB available");
        }
        return new Compatibility.Runnable(List.of());
    }

    private static Compatibility gpu(Profile p, Hardware hw) {
        int count = p.gpuCount();
        List<GpuInfo> matching = new ArrayList<>();
        for (GpuInfo g : hw.gpus()) {
            boolean device = p.tag("gpu_device").map(d -> d.equalsIgnoreCase(g.pciDeviceId())).orElse(true);
            boolean name = p.tag("gpu").map(g::nameMatches).orElse(true);
            if (device && name) {
                matching.add(g);
            }
        }
        String wanted = count + " x " + p.tag("gpu").or(() -> p.tag("gpu_device")).orElse("any") + " GPU";
        if (matching.size() < count) {
            return new Compatibility.Incompatible("needs " + wanted + ", found " + matching.size());
        }
        double need = p.minMemoryGib();
        List<Integer> chosen = matching.stream().filter(g -> g.memoryFreeMib() / 1024.0 >= need)
                .limit(count).map(GpuInfo::index).toList();
        if (chosen.size() < count) {
            return new Compatibility.LowMemory("requires >=" + gib(need) + " GiB free on each of " + count + " GPU(s)");
        }
        return new Compatibility.Runnable(chosen);
    }

    private static String gib(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
