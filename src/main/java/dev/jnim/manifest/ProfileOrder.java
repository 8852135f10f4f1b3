package dev.jnim.manifest;

import java.util.Comparator;
import java.util.Map;

/**
 * Preference orders between compatible profiles. {@link #BEST} follows NIM's automatic choice:
 * hardware-specific before generic, GPU before CPU, then lower precision (faster, smaller), then
 * throughput before latency, then the name (so the choice is deterministic). {@link #MOST_COMPATIBLE}
 * is what {@code NIM_MODEL_PROFILE=default} picks: the profile that asks least of the machine.
 */
public final class ProfileOrder {

    // Lower is preferred for BEST: fewer bits per weight first.
    private static final Map<String, Integer> PRECISION_RANK = Map.of(
            "q4_0", 0, "int4", 0, "q8_0", 1, "int8", 1, "fp8", 1, "fp16", 2, "bf16", 2, "fp32", 3);

    public static final Comparator<Profile> BEST = Comparator
            .comparing((Profile p) -> p.isHardwareSpecific() ? 0 : 1)
            .thenComparing(p -> p.isGpu() ? 0 : 1)
            .thenComparing(ProfileOrder::precisionRank)
            .thenComparing(p -> p.tag("profile").orElse("throughput").equals("throughput") ? 0 : 1)
            .thenComparing(Profile::name);

    public static final Comparator<Profile> MOST_COMPATIBLE = Comparator
            .comparing((Profile p) -> p.isHardwareSpecific() ? 1 : 0)
            .thenComparing(p -> p.isGpu() ? 1 : 0)
            .thenComparing(Profile::gpuCount)
            .thenComparing(Profile::minMemoryGib)
            .thenComparing(Profile::name);

    private ProfileOrder() {}

    static int precisionRank(Profile p) {
        return PRECISION_RANK.getOrDefault(p.precision(), 2);
    }
}
