package dev.jnim.cli;

import dev.jnim.cache.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar redrawn in place with carriage returns, at most ten times a second:
 * {@code config.json [##########----------]  50%  12.0/24.0 MiB  8.1 MiB/s}. Used only when stderr is
 * an interactive terminal. Synchronised, so downloads on several threads can share it.
 */
final class TerminalProgressBar implements ProgressListener {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private long startNanos;
    private long startBytes;
    private long lastDraw;

    TerminalProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void started(String name, long offset, long total) {
        startNanos = System.nanoTime();
        startBytes = offset;
        lastDraw = 0;
        draw(name, offset, total);
    }

    @Override
    public synchronized void advanced(String name, long done, long total) {
        long now = System.nanoTime();
        if (now - lastDraw >= 100_000_000L) {
            lastDraw = now;
            draw(name, done, total);
        }
    }

    @Override
    public synchronized void finished(String name, long total) {
        draw(name, total, total);
        out.println();
    }

    private void draw(String name, long done, long total) {
        String shortName = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('=')) + 1);
        double secs = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        double rate = (done - startBytes) / secs / (1024 * 1024);
        String bar;
        String pct;
        if (total > 0) {
            int filled = (int) (WIDTH * Math.min(1.0, (double) done / total));
            bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
            pct = String.format(Locale.ROOT, "%3.0f%%", 100.0 * done / total);
        } else {
            bar = "?".repeat(WIDTH);
            pct = "  ?%";
        }
        out.printf(Locale.ROOT, "\r%s [%s] %s  %.1f/%s MiB  %.1f MiB/s ", shortName, bar, pct, done / 1048576.0,
                total > 0 ? String.format(Locale.ROOT, "%.1f", total / 1048576.0) : "?", rate);
        out.flush();
    }
}
