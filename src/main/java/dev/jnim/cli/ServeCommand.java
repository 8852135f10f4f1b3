package dev.jnim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.cache.LicenseDocument;
import dev.jnim.cache.MetadataDocument;
import dev.jnim.cache.ModelResolver;
import dev.jnim.cache.ResolvedModel;
import dev.jnim.config.Settings;
import dev.jnim.hardware.Hardware;
import dev.jnim.hardware.HardwareDetector;
import dev.jnim.manifest.ManifestDocument;
import dev.jnim.manifest.ProfilePolicy;
import dev.jnim.server.JnimServer;
import dev.jnim.server.ServerOptions;
import dev.jnim.telemetry.LogSetup;
import dev.jnim.telemetry.Telemetry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code jnim serve}: runs the OpenAI-compatible service configured by the environment, as NIM:
 * settings are validated (exit 2 with one line naming the variable), logging is set up from
 * {@code NIM_LOG_LEVEL} / {@code NIM_JSONL_LOGGING}, the model is resolved from
 * {@code NIM_MODEL_NAME} and the manifest's profiles (downloaded into {@code NIM_CACHE_PATH} if
 * needed), then served with request logs ({@code NIM_DISABLE_LOG_REQUESTS}) and OpenTelemetry
 * ({@code NIM_ENABLE_OTEL}, flushed at the end) as configured. Exit 0 after a graceful stop on SIGTERM or SIGINT, 1 when the model cannot
 * be resolved or loaded.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the inference service.")
final class ServeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return CommandSupport.guard(spec, () -> {
            Settings settings = Settings.fromEnv(System.getenv());
            LogSetup.configure(settings.logging().level(), settings.logging().jsonl(), null);
            for (String line : settings.summary()) {
                log.info(line); // a loop, not forEach(log::info): the log line names this file, not ArrayList
            }
            Settings.unknownNimVariables(System.getenv())
                    .forEach(v -> log.warn("{} is not a variable jnim reads; it is ignored", v));
            Hardware hw = HardwareDetector.system().detect(settings);
            ModelResolver resolver = ModelResolver.create(settings, ProfilePolicy.of(settings, hw),
                    CommandSupport.progress());
            ResolvedModel resolved = resolver.resolve();
            boolean q8 = resolved.profile().precision().equalsIgnoreCase("q8_0");
            Map<String, JsonNode> documents = Map.of(
                    "/v1/manifest", ManifestDocument.build(resolver.manifest(), hw, Optional.of(resolved.profile().id())),
                    "/v1/metadata", MetadataDocument.build(resolved),
                    "/v1/license", LicenseDocument.build(resolved));
            ServerOptions options = ServerOptions.of(settings, resolved.directory(), resolved.servedModelNames(), q8,
                    hw.memory().availableBytes(), documents);
            String service = resolved.servedModelNames().isEmpty() ? "jnim" : resolved.servedModelNames().getFirst();
            try (Telemetry telemetry = Telemetry.start(settings.logging(), settings.telemetry(), service)) {
                return serve(options, telemetry);
            }
        });
    }

    private static int serve(ServerOptions options, Telemetry telemetry) throws InterruptedException {
        JnimServer server = JnimServer.start(options, telemetry);
        // Handle the signals ourselves: a JVM ended through shutdown hooks exits 143, and Kubernetes
        // and Docker expect 0 from a clean stop.
        Runnable stop = () -> Thread.ofPlatform().name("jnim-shutdown").start(server::shutdown);
        Signal.handle(new Signal("TERM"), sig -> stop.run());
        Signal.handle(new Signal("INT"), sig -> stop.run());
        try {
            server.loadModel();
        } catch (RuntimeException e) {
            log.error("cannot start: {}", e.getMessage(), e);
            server.shutdown();
            return 1;
        }
        server.awaitStopped();
        return 0;
    }
}
