package dev.jnim.hardware;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The real {@link GpuProbe}: runs {@code nvidia-smi} from the PATH with a 10-second limit. */
public final class NvidiaSmi implements GpuProbe {

    private static final Logger LOG = LoggerFactory.getLogger(NvidiaSmi.class);

    @Override
    public Optional<String> nvidiaSmi(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add("nvidia-smi");
        command.addAll(args);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            LOG.debug("nvidia-smi not available ({}); assuming no NVIDIA GPU", e.getMessage());
            return Optional.empty();
        }
        try (InputStream in = process.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                LOG.warn("nvidia-smi did not finish in 10 s; assuming no usable NVIDIA GPU");
                return Optional.empty();
            }
            if (process.exitValue() != 0) {
                // e.g. driver installed but no device, or "NVIDIA-SMI has failed because it couldn't communicate"
                LOG.warn("nvidia-smi exited with {}; assuming no usable NVIDIA GPU", process.exitValue());
                return Optional.empty();
            }
            return Optional.of(out);
        } catch (IOException e) {
            LOG.warn("cannot read nvidia-smi output: {}", e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return Optional.empty();
        }
    }
}
