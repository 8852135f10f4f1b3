package dev.jnim.cli;

import dev.jnim.cache.ModelCache;
import dev.jnim.cache.ModelResolver;
import dev.jnim.cache.ProgressListener;
import dev.jnim.config.Settings;
import dev.jnim.hardware.Hardware;
import dev.jnim.hardware.HardwareDetector;
import dev.jnim.manifest.Manifest;
import dev.jnim.manifest.ProfilePolicy;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a command gets its configuration from: the process environment and the real machine in
 * production, maps and fixtures in tests. The only place outside tests that reads {@code System.getenv}.
 */
record Environment(Map<String, String> env, HardwareDetector detector, Supplier<ProgressListener> progress) {

    private static final Logger LOG = LoggerFactory.getLogger(Environment.class);

    static Environment system() {
        return new Environment(System.getenv(), HardwareDetector.system(), CommandSupport::progress);
    }

    /** Settings, hardware, manifest, cache and resolver, built in that order (settings errors first). */
    record Context(Settings settings, Hardware hardware, Manifest manifest, ModelCache cache, ModelResolver resolver) {}

    Context context() {
        Settings settings = Settings.fromEnv(env);
        for (String unknown : Settings.unknownNimVariables(env)) {
            LOG.warn("{} is set but jnim does not read it (a typo?)", unknown);
        }
        Hardware hardware = detector.detect(settings);
        ModelResolver resolver = ModelResolver.create(settings, ProfilePolicy.of(settings, hardware), progress.get());
        return new Context(settings, hardware, resolver.manifest(), resolver.cache(), resolver);
    }
}
