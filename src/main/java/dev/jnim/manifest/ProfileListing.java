package dev.jnim.manifest;

import dev.jnim.hardware.GpuInfo;
import dev.jnim.hardware.Hardware;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text of {@code list-model-profiles}, in NIM's layout ({@code specs/nim-compat.md}, "Utilities"):
 * SYSTEM INFO with free and non-free GPUs, then MODEL PROFILES in three groups. jnim adds a CPU and a
 * memory line to SYSTEM INFO (it runs on CPU), a {@code - Model:} line naming the model listed, and
 * the reason in brackets after an incompatible profile. An empty group prints {@code <None>}, as NIM
 * does for GPUs. GPUs print as {@code [device:vendor] (index) name (memory) [current utilization: N%]}.
 */
public final class ProfileListing {

    private ProfileListing() {}

    public static List<String> render(Hardware hw, ModelEntry model) {
        List<String> out = new ArrayList<>();
        out.add("SYSTEM INFO");
        List<GpuInfo> free = hw.gpus().stream().filter(GpuInfo::isFree).toList();
        List<GpuInfo> busy = hw.gpus().stream().filter(g -> !g.isFree()).toList();
        gpuGroup(out, "Free GPUs", free);
        gpuGroup(out, "Non-free GPUs", busy);
        out.add("- CPU: " + hw.cpu().model() + " (" + hw.cpu().cores() + " cores, " + hw.cpu().isa() + ", "
                + hw.cpu().vectorBitSize() + "-bit vectors)");
        out.add("- Memory: " + gib(hw.memory().availableBytes()) + " GiB available of " + gib(hw.memory().limitBytes()) + " GiB");
        out.add("MODEL PROFILES");
        out.add("- Model: " + model.name());
        List<String> runnable = new ArrayList<>();
        List<String> low = new ArrayList<>();
        List<String> incompatible = new ArrayList<>();
        model.profiles().stream().sorted(ProfileOrder.BEST).forEach(p -> {
            switch (CompatibilityChecker.check(p, hw)) {
                case Compatibility.Runnable r -> runnable.add(p.label());
                case Compatibility.LowMemory l -> low.add(p.label() + " [" + l.requirement() + "]");
                case Compatibility.Incompatible i -> incompatible.add(p.label() + " [" + i.reason() + "]");
            }
        });
        group(out, "Compatible with system and runnable", runnable);
        group(out, "Compatible with system but low memory", low);
        group(out, "Incompatible with system", incompatible);
        return out;
    }

    private static void gpuGroup(List<String> out, String title, List<GpuInfo> gpus) {
        if (gpus.isEmpty()) {
            out.add("- " + title + ": <None>");
            return;
        }
        out.add("- " + title + ":");
        for (GpuInfo g : gpus) {
            String util = g.utilization().isPresent() ? g.utilization().getAsInt() + "%" : "N/A";
            out.add("  -  [" + g.pciDeviceId() + "] (" + g.index() + ") " + g.name() + " (" + g.memoryTotalGib()
                    + " GiB) [current utilization: " + util + "]");
        }
    }

    private static void group(List<String> out, String title, List<String> items) {
        if (items.isEmpty()) {
            out.add("- " + title + ": <None>");
            return;
        }
        out.add("- " + title + ":");
        items.forEach(i -> out.add("  - " + i));
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024 * 1024));
    }
}
