package dev.jnim.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The server's settings, read from the environment in one place so that the configuration room's
 * {@code Settings} can replace this class wholesale. Every bad value is a {@link InvalidSetting}
 * naming the variable and the accepted values (the CLI exits 2 with it).
 *
 * @param host                 address to bind ({@code 0.0.0.0}; tests use loopback)
 * @param port                 {@code NIM_SERVER_PORT} (0 = any free port)
 * @param modelDir             {@code NIM_MODEL_NAME}: a local Hugging Face model directory
 * @param servedModelNames     {@code NIM_SERVED_MODEL_NAME}, comma-separated; empty = the directory's name
 * @param maxModelLen          {@code NIM_MAX_MODEL_LEN}
 * @param maxNumSeqs           {@code NIM_MAX_NUM_SEQS}
 * @param kvCachePercent       {@code NIM_KVCACHE_PERCENT} (0, 1], default 0.9
 * @param kvCacheReuse         {@code NIM_ENABLE_KV_CACHE_REUSE}
 * @param maxRequestBytes      {@code JNIM_MAX_REQUEST_BYTES}: larger bodies get 413
 * @param shutdownGrace        {@code JNIM_SHUTDOWN_GRACE_SECONDS}: how long in-flight requests may run after SIGTERM
 * @param maxWaiting           {@code JNIM_MAX_WAITING_REQUESTS}: queued requests before 429
 * @param computeThreads       {@code JNIM_COMPUTE_THREADS}: 0 = all available processors
 */
public record ServerOptions(String host, int port, Path modelDir, List<String> servedModelNames,
                            OptionalInt maxModelLen, OptionalInt maxNumSeqs, double kvCachePercent,
                            boolean kvCacheReuse, long maxRequestBytes, Duration shutdownGrace, int maxWaiting,
                            int computeThreads) {

    public static final long DEFAULT_MAX_REQUEST_BYTES = 32L << 20;

    /** A variable with a value jnim cannot use; the message names it and what is accepted. */
    public static final class InvalidSetting extends RuntimeException {
        public InvalidSetting(String message) {
            super(message);
        }
    }

    public ServerOptions {
        servedModelNames = List.copyOf(servedModelNames);
    }

    public static ServerOptions fromEnv(Map<String, String> env) {
        String model = trimmed(env, "NIM_MODEL_NAME");
        if (model == null) {
            throw new InvalidSetting("NIM_MODEL_NAME is not set: set it to a local model directory (a Hugging Face "
                    + "layout: config.json, *.safetensors, tokenizer.json)");
        }
        Path dir = Path.of(model);
        if (!Files.isDirectory(dir)) {
            throw new InvalidSetting("NIM_MODEL_NAME=" + model + " is not a directory; set it to a local model "
                    + "directory (config.json, *.safetensors, tokenizer.json)");
        }
        List<String> names = new ArrayList<>();
        String served = trimmed(env, "NIM_SERVED_MODEL_NAME");
        if (served != null) {
            Arrays.stream(served.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(names::add);
            if (names.isEmpty()) {
                throw new InvalidSetting("NIM_SERVED_MODEL_NAME='" + served + "' names no model; give one or more "
                        + "comma-separated names");
            }
        }
        return new ServerOptions("0.0.0.0", intIn(env, "NIM_SERVER_PORT", 8000, 0, 65535), dir, names,
                optionalPositive(env, "NIM_MAX_MODEL_LEN"), optionalPositive(env, "NIM_MAX_NUM_SEQS"),
                kvPercent(env), bool(env, "NIM_ENABLE_KV_CACHE_REUSE", false),
                longIn(env, "JNIM_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES, 1024, Long.MAX_VALUE),
                Duration.ofSeconds(intIn(env, "JNIM_SHUTDOWN_GRACE_SECONDS", 30, 0, 86_400)),
                intIn(env, "JNIM_MAX_WAITING_REQUESTS", 1024, 1, 1_000_000),
                intIn(env, "JNIM_COMPUTE_THREADS", 0, 0, 4096));
    }

    public ServerOptions withHost(String h) {
        return new ServerOptions(h, port, modelDir, servedModelNames, maxModelLen, maxNumSeqs, kvCachePercent,
                kvCacheReuse, maxRequestBytes, shutdownGrace, maxWaiting, computeThreads);
    }

    /**
     * Memory this process may still use, in bytes: the smaller of {@code MemAvailable} and, under a
     * cgroup limit, the limit minus current usage (v2 {@code memory.max}/{@code memory.current}, v1
     * {@code memory.limit_in_bytes}/{@code memory.usage_in_bytes}). Falls back to the JVM's view.
     */
    public static long availableMemoryBytes() {
        long avail = meminfoAvailable();
        long cg = cgroupHeadroom(Path.of("/sys/fs/cgroup/memory.max"), Path.of("/sys/fs/cgroup/memory.current"));
        if (cg < 0) {
            cg = cgroupHeadroom(Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
                    Path.of("/sys/fs/cgroup/memory/memory.usage_in_bytes"));
        }
        if (avail < 0) {
            avail = Runtime.getRuntime().maxMemory();
        }
        return cg >= 0 ? Math.min(avail, cg) : avail;
    }

    private static long meminfoAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    String[] f = line.trim().split("\\s+");
                    return Long.parseLong(f[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unreadable /proc: the caller falls back to the JVM's view
            return -1;
        }
        return -1;
    }

    /** Limit minus usage, or -1 when there is no limit or the files are not there. */
    private static long cgroupHeadroom(Path limitFile, Path usageFile) {
        try {
            String limit = Files.readString(limitFile).trim();
            if (limit.equals("max")) {
                return -1;
            }
            long l = Long.parseLong(limit);
            if (l >= Long.MAX_VALUE / 2) {
                return -1; // cgroup v1 writes a huge number for "no limit"
            }
            long used = Long.parseLong(Files.readString(usageFile).trim());
            return Math.max(0, l - used);
        } catch (IOException | NumberFormatException e) {
            return -1; // no such cgroup controller here
        }
    }

    private static String trimmed(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static int intIn(Map<String, String> env, String name, int dflt, int min, int max) {
        return (int) longIn(env, name, dflt, min, max);
    }

    private static long longIn(Map<String, String> env, String name, long dflt, long min, long max) {
        String v = trimmed(env, name);
        if (v == null) {
            return dflt;
        }
        try {
            long l = Long.parseLong(v);
            if (l >= min && l <= max) {
                return l;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        throw new InvalidSetting(name + "='" + v + "' is not valid; expected an integer from " + min + " to " + max);
    }

    private static OptionalInt optionalPositive(Map<String, String> env, String name) {
        return trimmed(env, name) == null ? OptionalInt.empty()
                : OptionalInt.of(intIn(env, name, 0, 1, Integer.MAX_VALUE));
    }

    private static double kvPercent(Map<String, String> env) {
        String v = trimmed(env, "NIM_KVCACHE_PERCENT");
        if (v == null) {
            return 0.9;
        }
        try {
            double d = Double.parseDouble(v);
            if (d > 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidSetting("NIM_KVCACHE_PERCENT='" + v + "' is not valid; expected a fraction in (0, 1], "
                + "e.g. 0.9");
    }

    private static boolean bool(Map<String, String> env, String name, boolean dflt) {
        String v = trimmed(env, name);
        if (v == null) {
            return dflt;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw new InvalidSetting(name + "='" + v + "' is not valid; expected 0 or 1");
        };
    }
}
