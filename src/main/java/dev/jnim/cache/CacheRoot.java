package dev.jnim.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache directory and whether jnim may write to it. A configured {@code NIM_CACHE_PATH} that
 * cannot be created falls back to {@code <user home>/.cache/jnim} with a WARNING (NIM's volume is
 * often missing outside a container); one that exists but is read-only is used read-only, so a
 * pre-filled read-only volume still serves.
 */
public record CacheRoot(Path path, boolean writable) {

    private static final Logger LOG = LoggerFactory.getLogger(CacheRoot.class);

    /** Resolves {@code configured}, falling back to {@code fallback} when it cannot be created. */
    public static CacheRoot resolve(Path configured, Path fallback) {
        if (Files.isDirectory(configured)) {
            return new CacheRoot(configured, probeWritable(configured));
        }
        try {
            Files.createDirectories(configured);
            return new CacheRoot(configured, true);
        } catch (IOException e) {
            LOG.warn("NIM_CACHE_PATH {} cannot be created ({}); using {} instead. Mount a writable volume at NIM_CACHE_PATH "
                    + "to keep downloads between restarts.", configured, e.toString(), fallback);
        }
        try {
            Files.createDirectories(fallback);
        } catch (IOException e) {
            throw new CacheException("neither NIM_CACHE_PATH " + configured + " nor the fallback " + fallback
                    + " can be created (" + e + "); set NIM_CACHE_PATH to a writable directory", e);
        }
        return new CacheRoot(fallback, probeWritable(fallback));
    }

    /** The per-user fallback, {@code <user.home>/.cache/jnim}. */
    public static Path userFallback() {
        return Path.of(System.getProperty("user.home"), ".cache", "jnim");
    }

    private static boolean probeWritable(Path dir) {
        // Files.isWritable asks access(2), which misses some read-only mounts; creating a file does not.
        try {
            Path probe = Files.createTempFile(dir, ".jnim-write-probe", ".tmp");
            Files.delete(probe);
            return true;
        } catch (IOException e) {
            LOG.info("Cache {} is read-only ({}); only files already in it can be used", dir, e.getClass().getSimpleName());
            return false;
        }
    }
}
