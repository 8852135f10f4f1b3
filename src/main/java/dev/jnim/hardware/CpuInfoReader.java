package dev.jnim.hardware;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads {@code proc/cpuinfo} under a file-system root ({@code /} in production, a fixture directory in
 * tests). Only the first processor block matters: Linux reports the same model and flags for every
 * core of one machine.
 */
public final class CpuInfoReader {

    private final Path root;

    public CpuInfoReader(Path root) {
        this.root = root;
    }

    /** Reads the CPU; {@code cores} and {@code vectorBitSize} come from the running JVM. */
    public CpuInfo read(int cores, int vectorBitSize) {
        Path file = root.resolve("proc/cpuinfo");
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return new CpuInfo(System.getProperty("os.arch"), cores, Set.of(), vectorBitSize);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String model = null;
        Set<String> flags = Set.of();
        for (String line : lines) {
            if (line.isBlank() && model != null) {
                break; // end of the first processor block
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            // x86 says "model name"/"flags"; arm64 says "Features" and often has no model name.
            switch (key) {
                case "model name", "Model", "cpu model" -> model = model == null ? value : model;
                case "flags", "Features" -> flags = Arrays.stream(value.split("\\s+")).filter(s -> !s.isEmpty())
                        .collect(Collectors.toUnmodifiableSet());
                default -> { }
            }
        }
        return new CpuInfo(model == null ? "unknown" : model, cores, flags, vectorBitSize);
    }
}
