package dev.jnim.hardware;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads host memory and the container limit under a file-system root. cgroup v2 first
 * ({@code sys/fs/cgroup/<own cgroup>/memory.max}, {@code memory.current}, walking up to the root), then
 * v1 ({@code sys/fs/cgroup/memory/<own cgroup>/memory.limit_in_bytes}, {@code memory.usage_in_bytes});
 * the own cgroup comes from {@code proc/self/cgroup}; see the kernel's
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
        Optional<long[]> cg = walkUp("sys/fs/cgroup", ownCgroup(true), "memory.max", "memory.current")
                .or(() -> walkUp("sys/fs/cgroup/memory", ownCgroup(false), "memory.limit_in_bytes", "memory.usage_in_bytes"));
        if (cg.isPresent() && cg.get()[0] < total) {
            long lim = cg.get()[0];
            limit = OptionalLong.of(lim);
            available = Math.min(available, Math.max(0, lim - cg.get()[1]));
        }
        return new MemoryInfo(total, available, limit);
    }

    /**
     * This process's cgroup path from {@code proc/self/cgroup}: the {@code 0::/path} line for v2, the
     * line whose controllers include {@code memory} for v1; {@code /} when unknown (inside a container
     * the namespace root is the container's own cgroup).
     */
    private String ownCgroup(boolean v2) {
        Path self = root.resolve("proc/self/cgroup");
        if (!Files.exists(self)) {
            return "/";
        }
        for (String line : readLines(self)) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && (v2 ? f[0].equals("0") && f[1].isEmpty() : Arrays.asList(f[1].split(",")).contains("memory"))) {
                return f[2].isEmpty() ? "/" : f[2];
            }
        }
        return "/";
    }

    /**
     * The binding limit from the process's cgroup up to the hierarchy root: every ancestor's limit
     * applies too, so the level with the least room left wins.
     */
    private Optional<long[]> walkUp(String mount, String cgroupPath, String limitFile, String usageFile) {
        Path dir = Path.of(cgroupPath.equals("/") ? "" : cgroupPath.substring(1));
        Optional<long[]> binding = Optional.empty();
        while (true) {
            String base = dir.toString().isEmpty() ? mount : mount + "/" + dir;
            Optional<long[]> level = cgroup(base + "/" + limitFile, base + "/" + usageFile);
            if (level.isPresent() && (binding.isEmpty()
                    || level.get()[0] - level.get()[1] < binding.get()[0] - binding.get()[1])) {
                binding = level;
            }
            if (dir.toString().isEmpty()) {
                return binding;
            }
            dir = dir.getParent() == null ? Path.of("") : dir.getParent();
        }
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
