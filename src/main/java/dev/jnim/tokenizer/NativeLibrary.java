package dev.jnim.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares DJL's Hugging Face tokenizers JNI library before its first use: offline, CPU flavour only
 * (so it never tries to download a CUDA build), extracted into a writable directory that need not be
 * under the (possibly read-only) home. DJL reads these as environment variables first, then as system
 * properties (DJL {@code Utils.getEnvOrSystemProperty}, {@code Utils.isOfflineMode}, {@code LibUtils}).
 */
public final class NativeLibrary {

    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);

    /** System property that overrides where the native library is extracted. */
    public static final String DIR_PROPERTY = "jnim.tokenizer.nativeDir";

    private static volatile Path configuredDir;

    private NativeLibrary() {
    }

    /**
     * Sets DJL's properties once; later calls are no-ops. The directory is {@code dir} when given, else
     * {@value #DIR_PROPERTY}, else {@code $NIM_CACHE_PATH/djl} when that is writable, else the temp dir.
     */
    public static synchronized Path configure(Path dir) {
        if (configuredDir != null) {
            return configuredDir;
        }
        Path target = dir != null ? dir : defaultDir();
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new TokenizerException("cannot create the tokenizer library directory " + target
                    + " (set -D" + DIR_PROPERTY + " to a writable directory): " + e.getMessage(), e);
        }
        if (!Files.isWritable(target)) {
            throw new TokenizerException("the tokenizer library directory " + target
                    + " is not writable (set -D" + DIR_PROPERTY + " to a writable directory)");
        }
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("DJL_OFFLINE", "true");
        System.setProperty("RUST_FLAVOR", "cpu");
        System.setProperty("DJL_CACHE_DIR", target.toString());
        System.setProperty("ENGINE_CACHE_DIR", target.toString());
        try {
            // Loads (extracting from the jar on first use) the JNI library; throws if it cannot.
            ai.djl.huggingface.tokenizers.jni.LibUtils.checkStatus();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new TokenizerException("cannot load the Hugging Face tokenizers native library (extraction dir "
                    + target + "): " + e.getMessage(), e);
        }
        configuredDir = target;
        LOG.debug("tokenizer native library directory: {}", target);
        return target;
    }

    static Path defaultDir() {
        String explicit = System.getProperty(DIR_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String cache = System.getenv("NIM_CACHE_PATH");
        if (cache != null && !cache.isBlank()) {
            Path root = Path.of(cache);
            if (Files.isDirectory(root) && Files.isWritable(root)) {
                return root.resolve("djl");
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "jnim-djl");
    }
}
