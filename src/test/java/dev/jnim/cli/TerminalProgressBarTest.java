package dev.jnim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalProgressBarTest {

    @Test
    void sumsParallelFilesAndEndsWithANewline() {
        var bytes = new ByteArrayOutputStream();
        var bar = new TerminalProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        bar.started("hf://a/b:main?file=model-00001-of-00002.safetensors", 0, 1 << 20);
        bar.started("hf://a/b:main?file=model-00002-of-00002.safetensors", 0, 1 << 20);
        bar.finished("hf://a/b:main?file=model-00001-of-00002.safetensors", 1 << 20);
        String text = bytes.toString(StandardCharsets.UTF_8);
        String last = text.substring(text.lastIndexOf('\r') + 1);
        assertThat(last).startsWith("model-00001-of-00002.safetensors +1 [" + "#".repeat(15) + "-".repeat(15) + "]  50%  1.0/2.0 MiB");
        assertThat(text).doesNotContain("\n");
        bar.finished("hf://a/b:main?file=model-00002-of-00002.safetensors", 1 << 20);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).endsWith("\n");
    }
}
