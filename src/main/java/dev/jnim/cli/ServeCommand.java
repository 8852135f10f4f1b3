package dev.jnim.cli;

import dev.jnim.server.JnimServer;
import dev.jnim.server.ServerOptions;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import sun.misc.Signal;

/**
 * {@code jnim serve}: runs the OpenAI-compatible service configured by the environment
 * ({@code NIM_SERVER_PORT}, {@code NIM_MODEL_NAME}, ...). Exit 0 after a graceful stop on SIGTERM or
 * SIGINT, 2 for a bad setting, 1 when the model cannot be loaded.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the inference service.")
final class ServeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Override
    public Integer call() throws InterruptedException {
        ServerOptions options;
        try {
            options = ServerOptions.fromEnv(System.getenv());
        } catch (ServerOptions.InvalidSetting e) {
            System.err.println("jnim: " + e.getMessage());
            return 2;
        }
        JnimServer server = JnimServer.start(options);
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
