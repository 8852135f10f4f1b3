package dev.jnim.hardware;

import java.util.OptionalLong;

/**
 * Host memory as seen by this process.
 *
 * @param totalBytes      {@code MemTotal} of the machine
 * @param availableBytes  memory this process can still use: {@code MemAvailable}, capped by the cgroup
 *                        limit minus the cgroup's current usage when a limit is set
 * @param cgroupLimit     the container's memory limit (cgroup v2 {@code memory.max} or v1
 *                        {@code memory.limit_in_bytes}), empty when unlimited
 */
public record MemoryInfo(long totalBytes, long availableBytes, OptionalLong cgroupLimit) {

    /** The memory budget: the cgroup limit when set, else the machine's total. */
    public long limitBytes() {
        return cgroupLimit.isPresent() ? Math.min(cgroupLimit.getAsLong(), totalBytes) : totalBytes;
    }
}
