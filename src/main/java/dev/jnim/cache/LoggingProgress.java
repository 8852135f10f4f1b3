package dev.jnim.cache;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress as INFO lines: at the start, at most every {@code intervalMillis} meanwhile, and at the end.
 * Synchronised, so downloads on several threads can share it.
 */
public final class LoggingProgress implements ProgressListener {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingProgress.class);

    private final long intervalMillis;
    private long lastLog;
    private long startNanos;

    public LoggingProgress(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    @Override
    public synchronized void started(String name, long offset, long total) {
        startNanos = System.nanoTime();
        lastLog = System.currentTimeMillis();
        if (offset > 0) {
            LOG.info("Resuming download of {} at {} of {}", name, mib(offset), total < 0 ? "?" : mib(total));
        } else {
            LOG.info("Downloading {} ({})", name, total < 0 ? "size unknown" : mib(total));
        }
    }

    @Override
    public synchronized void advanced(String name, long done, long total) {
        long now = System.currentTimeMillis();
        if (now - lastLog >= intervalMillis) {
            lastLog = now;
            String pct = total > 0 ? String.format(Locale.ROOT, "%.0f%%", 100.0 * done / total) : "?%";
            LOG.info("Downloading {}: {} ({} of {})", name, pct, mib(done), total < 0 ? "?" : mib(total));
        }
    }

    @Override
    public synchronized void finished(String name, long total) {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        LOG.info("Downloaded {} ({}) in {} s", name, mib(total), String.format(Locale.ROOT, "%.1f", secs));
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
