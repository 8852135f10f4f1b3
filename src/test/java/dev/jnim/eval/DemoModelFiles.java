package dev.jnim.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The embedded demo model copied from the classpath into a directory, as the cache does on first use. */
public final class DemoModelFiles {

    public static final List<String> FILES = List.of("config.json", "generation_config.json", "preprocessor_config.json",
            "processor_config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors");

    private DemoModelFiles() {}

    /** Copies the model's files into {@code dir} and returns it. */
    public static Path copyTo(Path dir) {
        try {
            for (String f : FILES) {
                try (InputStream in = DemoModelFiles.class.getResourceAsStream("/dev/jnim/models/demo-vlm/" + f)) {
                    if (in == null) {
                        throw new IllegalStateException("demo model file " + f + " is not on the classpath");
                    }
                    Files.copy(in, dir.resolve(f));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
