package dev.jnim.cli;

import dev.jnim.cache.CacheException;
import dev.jnim.cache.LoggingProgress;
import dev.jnim.cache.ProgressListener;
import dev.jnim.config.SettingsException;
import dev.jnim.manifest.ManifestException;
import dev.jnim.manifest.ProfileSelectionException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the model utilities share: configuration errors end the command with exit status 2 and one
 * line on stderr (as the issue asks of every settings error); model, manifest and download errors
 * with status 1 and one line. Their messages never contain secrets (see {@code Secret}).
 */
final class CommandSupport {

    static final int CONFIG_ERROR = 2;
    static final int FAILED = 1;

    private CommandSupport() {}

    static int guard(CommandSpec spec, Callable<Integer> body) {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return body.call();
        } catch (SettingsException e) {
            err.println("jnim: " + e.getMessage());
            err.flush();
            return CONFIG_ERROR;
        } catch (CacheException | ManifestException | ProfileSelectionException e) {
            err.println("jnim: " + e.getMessage());
            err.flush();
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("jnim: interrupted");
            err.flush();
            return FAILED;
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** A bar on an interactive terminal, periodic log lines otherwise (containers, CI, log collectors). */
    static ProgressListener progress() {
        return System.console() != null && System.console().isTerminal()
                ? new TerminalProgressBar(System.err) : new LoggingProgress(10_000);
    }
}
