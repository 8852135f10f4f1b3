package dev.jnim.cache;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress as INFO lines: at the start, at most every {@code intervalMillis} per file meanwhile, and
 * at the end. Keeps its state per file name, so parallel downloads can share it (thread-safe).
 */
public final class LoggingProgress implements ProgressListener {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingProgress.class);

    private record State(long startNanos, long lastLogMillis) {}

    private final long intervalMillis;
    private final Map<String, State> files = new ConcurrentHashMap<>();

    public LoggingProgress(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void started(String name, long offset, long total) {
        files.put(name, new State(System.nanoTime(), System.currentTimeMillis()));
        if (offset > 0) {
            LOG.info("Resuming download of {} at {} of {}", name, mib(offset), total < 0 ? "?" : mib(total));
        } else {
            LOG.info("Downloading {} ({})", name, total < 0 ? "size unknown" : mib(total));
        }
    }

    @Override
    public void advanced(String name, long done, long total) {
        long now = System.currentTimeMillis();
        State s = files.get(name);
        if (s != null && now - s.lastLogMillis() >= intervalMillis) {
            files.put(name, new State(s.startNanos(), now));
            String pct = total > 0 ? String.format(Locale.ROOT, "%.0f%%", 100.0 * done / total) : "?%";
            LOG.info("Downloading {}: {} ({} of {})", name, pct, mib(done), total < 0 ? "?" : mib(total));
        }
    }

    @Override
    public void finished(String name, long total) {
        State s = files.remove(name);
        double secs = s == null ? 0 : (System.nanoTime() - s.startNanos()) / 1e9;
        LOG.info("Downloaded {} ({}) in {} s", name, mib(total), String.format(Locale.ROOT, "%.1f", secs));
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
