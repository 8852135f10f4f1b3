package dev.jnim.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native tokenizer library loads with an unwritable, nonexistent home and no network, extracted
 * where jnim says: the explicit directory, else {@code $NIM_CACHE_PATH/djl}. Each case runs in a fresh
 * JVM because the library loads once per process.
 */
class NativeLibraryTest {

    @TempDir
    Path tmp;

    private record Result(int exit, String output) {
    }

    private Result probe(List<String> jvmArgs, String nimCachePath) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Duser.home=/nonexistent-home");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(NoHomeProbe.class.getName());
        cmd.add(TokenizerLoaderTest.golden("mistral_v0_1").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("NIM_CACHE_PATH");
        pb.environment().remove("DJL_CACHE_DIR");
        pb.environment().remove("ENGINE_CACHE_DIR");
        pb.environment().put("HOME", "/nonexistent-home");
        if (nimCachePath != null) {
            pb.environment().put("NIM_CACHE_PATH", nimCachePath);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    private static boolean containsNativeLibrary(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().contains("tokenizers"));
        }
    }

    @Test
    void extractsIntoTheConfiguredDirectory() throws Exception {
        Path dir = tmp.resolve("native");
        Result r = probe(List.of("-D" + NativeLibrary.DIR_PROPERTY + "=" + dir), null);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("ids=[22557]");
        assertThat(containsNativeLibrary(dir)).isTrue();
    }

    @Test
    void defaultsUnderNimCachePath() throws Exception {
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        Result r = probe(List.of(), cache.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(containsNativeLibrary(cache.resolve("djl"))).isTrue();
    }

    @Test
    void unwritableDirectoryIsAClearError() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Result r = probe(List.of("-D" + NativeLibrary.DIR_PROPERTY + "=" + file.resolve("sub")), null);
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("cannot create the tokenizer library directory").contains(NativeLibrary.DIR_PROPERTY);
    }
}
