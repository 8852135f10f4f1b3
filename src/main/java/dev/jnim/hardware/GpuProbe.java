package dev.jnim.hardware;

import java.util.List;
import java.util.Optional;

/**
 * Runs {@code nvidia-smi} with the given arguments and returns its standard output, or empty when
 * there is no {@code nvidia-smi} (no NVIDIA driver). Tests substitute recorded outputs.
 */
@FunctionalInterface
public interface GpuProbe {

    Optional<String> nvidiaSmi(List<String> args);

    /** A machine without NVIDIA GPUs. */
    static GpuProbe none() {
        return args -> Optional.empty();
    }
}
