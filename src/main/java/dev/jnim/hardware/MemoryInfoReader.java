package dev.jnim.hardware;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads host memory and the container limit under a file-system root. cgroup v2 first
 * ({@code sys/fs/cgroup/memory.max}, {@code memory.current}), then v1
 * ({@code sys/fs/cgroup/memory/memory.limit_in_bytes}, {@code memory.usage_in_bytes}); see the kernel's
 * Documentation/admin-guide/cgroup-v2.rst and cgroup-v1/memory.rst. A v1 "no limit" is a huge number
 * (PAGE_COUNTER_MAX pages), so any limit at or above MemTotal counts as none.
 */
public final class MemoryInfoReader {

    private final Path root;

    public MemoryInfoReader(Path root) {
        this.root = root;
    }

    public MemoryInfo read() {
        Path meminfo = root.resolve("proc/meminfo");
        long total = -1;
        long available = -1;
        if (Files.exists(meminfo)) {
            for (String line : readLines(meminfo)) {
                if (line.startsWith("MemTotal:")) {
                    total = kib(line);
                } else if (line.startsWith("MemAvailable:")) {
                    available = kib(line);
                }
            }
        }
        if (total < 0) {
            // Not Linux: the JVM's view is the best we have.
            total = Runtime.getRuntime().maxMemory();
            available = total;
        }
        if (available < 0) {
            available = total;
        }
        OptionalLong limit = OptionalLong.empty();
        Optional<long[]> cg = cgroup("sys/fs/cgroup/memory.max", "sys/fs/cgroup/memory.current")
                .or(() -> cgroup("sys/fs/cgroup/memory/memory.limit_in_bytes", "sys/fs/cgroup/memory/memory.usage_in_bytes"));
        if (cg.isPresent() && cg.get()[0] < total) {
            long lim = cg.get()[0];
            limit = OptionalLong.of(lim);
            available = Math.min(available, Math.max(0, lim - cg.get()[1]));
        }
        return new MemoryInfo(total, available, limit);
    }

    /** {limit, usage}, or empty when the limit file is absent or says "max". */
    private Optional<long[]> cgroup(String limitFile, String usageFile) {
        Path lf = root.resolve(limitFile);
        if (!Files.exists(lf)) {
            return Optional.empty();
        }
        String text = readLines(lf).stream().findFirst().orElse("").strip();
        if (text.equals("max") || text.isEmpty()) {
            return Optional.empty();
        }
        long lim = Long.parseLong(text);
        Path uf = root.resolve(usageFile);
        long usage = Files.exists(uf) ? Long.parseLong(readLines(uf).stream().findFirst().orElse("0").strip()) : 0;
        return Optional.of(new long[] {lim, usage});
    }

    private static long kib(String line) {
        String[] parts = line.split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
    }

    private static java.util.List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }
}
