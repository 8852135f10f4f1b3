package dev.jnim.telemetry;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.jnim.config.LogLevel;
import java.io.OutputStream;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Configures logging from {@code NIM_LOG_LEVEL} and {@code NIM_JSONL_LOGGING} at startup: NIM's text
 * lines or JSON lines on standard error, jnim's loggers at the chosen level, libraries quieter
 * under DEFAULT, and {@code java.util.logging} (Helidon, the JDK HTTP client) routed through the
 * same encoder so that every line has the same format.
 */
public final class LogSetup {

    private static final java.util.List<String> BRIDGES = java.util.List.of("java.util.logging", "sun.util.logging",
            "jdk.internal.logger", "java.lang.System$Logger", "org.slf4j.bridge");

    /** Package of the OpenTelemetry console (logging) exporters. */
    static final String OTEL_CONSOLE = "io.opentelemetry.exporter.logging";
    /** Held so that its level survives: java.util.logging keeps loggers only weakly. */
    private static final java.util.logging.Logger OTEL_CONSOLE_JUL = java.util.logging.Logger.getLogger(OTEL_CONSOLE);

    private LogSetup() {
    }

    /** Replaces the logging configuration; lines go to {@code out} (standard error when null). */
    public static void configure(LogLevel level, boolean jsonl, OutputStream out) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        // Lines bridged from java.util.logging and System.Logger name the class that logged, not the bridge.
        for (String bridge : BRIDGES) {
            if (!ctx.getFrameworkPackages().contains(bridge)) {
                ctx.getFrameworkPackages().add(bridge);
            }
        }
        Encoder<ILoggingEvent> encoder;
        if (jsonl) {
            encoder = new NimJsonEncoder();
        } else {
            LayoutWrappingEncoder<ILoggingEvent> e = new LayoutWrappingEncoder<>();
            NimTextLayout layout = new NimTextLayout();
            layout.setContext(ctx);
            layout.start();
            e.setLayout(layout);
            encoder = e;
        }
        encoder.setContext(ctx);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(ctx);
        appender.setName("nim");
        appender.setEncoder(encoder);
        appender.setImmediateFlush(true);
        appender.setOutputStream(out != null ? out : System.err);
        appender.start();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(LogLevels.libraries(level));
        root.addAppender(appender);
        ctx.getLogger("dev.jnim").setLevel(LogLevels.jnim(level));
        // The OpenTelemetry console exporters write through java.util.logging at INFO: output the user
        // asked for (OTEL_*_EXPORTER=console), so at jnim's level rather than the libraries'.
        ctx.getLogger(OTEL_CONSOLE).setLevel(LogLevels.jnim(level));
        OTEL_CONSOLE_JUL.setLevel(julLevel(LogLevels.jnim(level)));
        if (level != LogLevel.TRACE) {
            // DJL warns about a missing CUDA driver on every CPU machine; jnim never uses CUDA.
            ctx.getLogger("ai.djl.util.cuda.CudaUtils").setLevel(ch.qos.logback.classic.Level.ERROR);
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        java.util.logging.Logger.getLogger("").setLevel(julLevel(LogLevels.libraries(level)));
    }

    private static java.util.logging.Level julLevel(ch.qos.logback.classic.Level l) {
        return switch (l.toInt()) {
            case ch.qos.logback.classic.Level.ERROR_INT -> java.util.logging.Level.SEVERE;
            case ch.qos.logback.classic.Level.WARN_INT -> java.util.logging.Level.WARNING;
            case ch.qos.logback.classic.Level.INFO_INT -> java.util.logging.Level.INFO;
            case ch.qos.logback.classic.Level.DEBUG_INT -> java.util.logging.Level.FINE;
            default -> java.util.logging.Level.FINEST;
        };
    }
}
