package dev.jnim.manifest;

import dev.jnim.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and reads the manifest, first match wins: {@code NIM_MANIFEST_PATH} (must exist), then
 * {@code /etc/nim/config/model_manifest.yaml} when present (NIM's location, so NIM-style mounts work),
 * then the manifest built into jnim.
 */
public final class ManifestLoader {

    /** NIM's manifest location. */
    public static final Path NIM_MANIFEST = Path.of("/etc/nim/config/model_manifest.yaml");
    static final String BUILTIN_RESOURCE = "/dev/jnim/manifest/model_manifest.yaml";

    private static final Logger LOG = LoggerFactory.getLogger(ManifestLoader.class);

    private ManifestLoader() {}

    public static Manifest load(Settings settings) {
        return load(settings.model().manifestPath(), NIM_MANIFEST);
    }

    /** As {@link #load(Settings)} with NIM's location as a parameter, for tests. */
    public static Manifest load(Optional<Path> override, Path nimLocation) {
        if (override.isPresent()) {
            Path p = override.get();
            if (!Files.isRegularFile(p)) {
                throw new ManifestException("NIM_MANIFEST_PATH points to " + p + ", which is not a readable file");
            }
            return read(p);
        }
        if (Files.isRegularFile(nimLocation)) {
            return read(nimLocation);
        }
        return builtin();
    }

    /** The manifest shipped inside jnim. */
    public static Manifest builtin() {
        try (InputStream in = ManifestLoader.class.getResourceAsStream(BUILTIN_RESOURCE)) {
            if (in == null) {
                throw new ManifestException("the built-in manifest " + BUILTIN_RESOURCE + " is missing from the classpath");
            }
            return ManifestParser.parse(in, "builtin");
        } catch (IOException e) {
            throw new ManifestException("cannot read the built-in manifest: " + e.getMessage(), e);
        }
    }

    private static Manifest read(Path p) {
        LOG.info("Using model manifest {}", p);
        try (InputStream in = Files.newInputStream(p)) {
            return ManifestParser.parse(in, p.toString());
        } catch (IOException e) {
            throw new ManifestException("cannot read manifest " + p + ": " + e.getMessage(), e);
        }
    }
}
