package dev.jnim.hardware;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which GPUs jnim may use, as the NVIDIA container runtime and CUDA decide it.
 * <ol>
 *   <li>{@code NVIDIA_VISIBLE_DEVICES} (container toolkit): unset or {@code all} = every GPU;
 *       {@code none}, {@code void} or empty = none; else indices or UUIDs.</li>
 *   <li>{@code CUDA_VISIBLE_DEVICES} (CUDA programming guide, "CUDA Environment Variables"): unset =
 *       every remaining GPU; empty = none; else a comma list of indices into the remaining GPUs or
 *       {@code GPU-}/{@code MIG-} UUIDs, where a unique UUID prefix is enough. CUDA keeps only the
 *       entries before the first invalid one, and so do we (with a WARNING).</li>
 * </ol>
 * A MIG UUID selects the GPU that holds the instance.
 */
public final class VisibleDevices {

    private static final Logger LOG = LoggerFactory.getLogger(VisibleDevices.class);

    private VisibleDevices() {}

    /** The visible GPUs in the order CUDA enumerates them. */
    public static List<GpuInfo> filter(List<GpuInfo> all, Optional<String> nvidiaVisible, Optional<String> cudaVisible) {
        List<GpuInfo> exposed = nvidiaVisible.map(n -> switch (n.strip().toLowerCase(Locale.ROOT)) {
            case "all" -> all;
            case "", "none", "void" -> List.<GpuInfo>of();
            default -> select("NVIDIA_VISIBLE_DEVICES", n, all);
        }).orElse(all);
        return cudaVisible.map(c -> select("CUDA_VISIBLE_DEVICES", c, exposed)).orElse(exposed);
    }

    private static List<GpuInfo> select(String variable, String spec, List<GpuInfo> candidates) {
        List<GpuInfo> chosen = new ArrayList<>();
        if (spec.isBlank()) {
            return chosen;
        }
        for (String raw : spec.split(",")) {
            String entry = raw.strip();
            Optional<GpuInfo> gpu = resolve(entry, candidates);
            if (gpu.isEmpty() || chosen.contains(gpu.get())) {
                LOG.warn("{}='{}': entry '{}' matches no GPU (or repeats one); as CUDA does, the entries from it on are ignored",
                        variable, spec, entry);
                break;
            }
            chosen.add(gpu.get());
        }
        return chosen;
    }

    private static Optional<GpuInfo> resolve(String entry, List<GpuInfo> candidates) {
        if (entry.matches("\\d+")) {
            int i = Integer.parseInt(entry);
            return i < candidates.size() ? Optional.of(candidates.get(i)) : Optional.empty();
        }
        String lower = entry.toLowerCase(Locale.ROOT);
        if (lower.startsWith("gpu-")) {
            List<GpuInfo> hits = candidates.stream().filter(g -> g.uuid().toLowerCase(Locale.ROOT).startsWith(lower)).toList();
            return hits.size() == 1 ? Optional.of(hits.getFirst()) : Optional.empty();
        }
        if (lower.startsWith("mig-")) {
            return candidates.stream().filter(g -> g.migDevices().stream()
                    .anyMatch(m -> m.uuid().toLowerCase(Locale.ROOT).startsWith(lower))).findFirst();
        }
        return Optional.empty();
    }
}
