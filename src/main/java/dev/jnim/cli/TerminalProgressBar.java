package dev.jnim.cli;

import dev.jnim.cache.ProgressListener;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One progress line redrawn in place with carriage returns, at most ten times a second, summing the
 * files being downloaded side by side:
 * {@code model-00001-of-00002.safetensors +1 [##########----------]  50%  1024.0/2048.0 MiB  80.1 MiB/s}.
 * Used only when stderr is an interactive terminal. Synchronised: parallel downloads share it.
 */
final class TerminalProgressBar implements ProgressListener {

    private static final int WIDTH = 30;

    private record File(long start, long done, long total) {}

    private final PrintStream out;
    private final Map<String, File> active = new LinkedHashMap<>();
    private long startNanos;
    private long lastDraw;

    TerminalProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void started(String name, long offset, long total) {
        if (active.isEmpty()) {
            startNanos = System.nanoTime();
        }
        active.put(name, new File(offset, offset, total));
        draw();
    }

    @Override
    public synchronized void advanced(String name, long done, long total) {
        File f = active.get(name);
        if (f != null) {
            active.put(name, new File(f.start(), done, total));
        }
        long now = System.nanoTime();
        if (now - lastDraw >= 100_000_000L) {
            lastDraw = now;
            draw();
        }
    }

    @Override
    public synchronized void finished(String name, long total) {
        File f = active.get(name);
        if (f != null) {
            active.put(name, new File(f.start(), total, total));
        }
        draw();
        active.remove(name);
        if (active.isEmpty()) {
            out.println();
        }
    }

    private void draw() {
        long done = 0;
        long total = 0;
        long resumed = 0;
        boolean sizesKnown = true;
        for (File f : active.values()) {
            done += f.done();
            resumed += f.start();
            total += Math.max(0, f.total());
            sizesKnown &= f.total() > 0;
        }
        String first = active.keySet().stream().findFirst().orElse("");
        String label = first.substring(Math.max(first.lastIndexOf('/'), first.lastIndexOf('=')) + 1)
                + (active.size() > 1 ? " +" + (active.size() - 1) : "");
        double secs = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        double rate = (done - resumed) / secs / (1024 * 1024);
        String bar = sizesKnown && total > 0 ? "#".repeat((int) (WIDTH * Math.min(1.0, (double) done / total)))
                : "";
        bar = sizesKnown ? bar + "-".repeat(WIDTH - bar.length()) : "?".repeat(WIDTH);
        String pct = sizesKnown && total > 0 ? String.format(Locale.ROOT, "%3.0f%%", 100.0 * done / total) : "  ?%";
        out.printf(Locale.ROOT, "\r%s [%s] %s  %.1f/%s MiB  %.1f MiB/s ", label, bar, pct, done / 1048576.0,
                sizesKnown ? String.format(Locale.ROOT, "%.1f", total / 1048576.0) : "?", rate);
        out.flush();
    }
}
