package dev.jnim.hardware;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Recorded-format {@code nvidia-smi} outputs and fixture roots under src/test/resources. */
public final class Fixtures {

    public static final Path HARDWARE = Path.of("src/test/resources/hardware");
    private static final Path SMI = Path.of("src/test/resources/nvidia-smi");

    private Fixtures() {}

    /** A probe answering with {@code <name>-query.csv} and {@code <name>-L.txt}. */
    public static GpuProbe smi(String name) {
        return args -> Optional.of(read(SMI.resolve(args.equals(List.of("-L")) ? name + "-L.txt" : name + "-query.csv")));
    }

    public static List<GpuInfo> gpus(String name) {
        return NvidiaSmiParser.parse(read(SMI.resolve(name + "-query.csv")), read(SMI.resolve(name + "-L.txt")));
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
