package dev.jnim.cli;

import dev.jnim.cache.ModelCache;
import dev.jnim.cache.ModelResolver;
import dev.jnim.cache.ProgressListener;
import dev.jnim.config.Settings;
import dev.jnim.hardware.Hardware;
import dev.jnim.hardware.HardwareDetector;
import dev.jnim.manifest.Manifest;
import dev.jnim.manifest.ManifestLoader;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where a command gets its configuration from: the process environment and the real machine in
 * production, maps and fixtures in tests. The only place outside tests that reads {@code System.getenv}.
 */
record Environment(Map<String, String> env, HardwareDetector detector, Supplier<ProgressListener> progress) {

    static Environment system() {
        return new Environment(System.getenv(), HardwareDetector.system(), CommandSupport::progress);
    }

    /** Settings, hardware, manifest, cache and resolver, built in that order (settings errors first). */
    record Context(Settings settings, Hardware hardware, Manifest manifest, ModelCache cache, ModelResolver resolver) {}

    Context context() {
        Settings settings = Settings.fromEnv(env);
        Hardware hardware = detector.detect(settings);
        Manifest manifest = ManifestLoader.load(settings);
        HttpClient client = ModelCache.defaultClient();
        ModelCache cache = ModelCache.open(settings, progress.get());
        return new Context(settings, hardware, manifest, cache, new ModelResolver(settings, manifest, hardware, cache, client));
    }
}
