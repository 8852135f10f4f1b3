package dev.jnim.manifest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A way to run one model: its id (SHA-256 of its canonical content, see {@link ProfileIds}), a
 * readable name such as {@code cpu-q8_0}, NIM-style tags, and the files it needs.
 *
 * <p>Tags read by jnim: {@code llm_engine} (must be {@code jnim}), {@code precision}, {@code device}
 * ({@code cpu} or {@code gpu}), {@code tp}, {@code pp}, {@code gpu} (product name part, e.g. {@code H100}),
 * {@code gpu_device} (PCI {@code device:vendor}, e.g. {@code 2330:10de}), {@code cpu_isa}
 * ({@code avx2}/{@code avx512}), {@code profile} ({@code throughput}/{@code latency}) and
 * {@code min_memory_gib} (host memory for CPU profiles, per-GPU memory for GPU profiles).
 */
public record Profile(String id, String name, String model, Map<String, String> tags, List<ProfileFile> files) {

    public Profile {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        files = List.copyOf(files);
    }

    public Optional<String> tag(String key) {
        return Optional.ofNullable(tags.get(key));
    }

    /** {@code cpu} unless the profile says {@code device: gpu}. */
    public String device() {
        return tag("device").orElse("cpu");
    }

    public boolean isGpu() {
        return device().equals("gpu");
    }

    public String precision() {
        return tag("precision").orElse("unknown");
    }

    /** GPUs needed: tp x pp (1 when unset). */
    public int gpuCount() {
        return intTag("tp") * intTag("pp");
    }

    /** Minimum memory in GiB (host for CPU, each GPU for GPU profiles); 0 when unset. */
    public double minMemoryGib() {
        return tag("min_memory_gib").map(Double::parseDouble).orElse(0.0);
    }

    /** Whether the profile targets particular hardware (a GPU model or a CPU ISA) rather than any machine. */
    public boolean isHardwareSpecific() {
        return tags.containsKey("gpu") || tags.containsKey("gpu_device") || tags.containsKey("cpu_isa");
    }

    /** {@code <id> (<name>)}, as NIM prints a profile. */
    public String label() {
        return id + " (" + name + ")";
    }

    private int intTag(String key) {
        return tag(key).map(Integer::parseInt).orElse(1);
    }
}
