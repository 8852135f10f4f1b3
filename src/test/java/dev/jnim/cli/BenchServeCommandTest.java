package dev.jnim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Argument checks of {@code bench serve} that stop before any traffic (exit code 2). */
class BenchServeCommandTest {

    private static int run(String... args) {
        return new CommandLine(new BenchServeCommand()).execute(args);
    }

    @Test
    void anUnsetApiKeyVariableIsRefused() {
        assertThat(run("--url", "http://127.0.0.1:9", "--api-key-env", "JNIM_TEST_VARIABLE_THAT_IS_NOT_SET")).isEqualTo(2);
    }

    @Test
    void aSharedPrefixAsLongAsThePromptIsRefused() {
        assertThat(run("--url", "http://127.0.0.1:9", "--prompt-tokens", "64", "--shared-prefix", "64")).isEqualTo(2);
    }

    @Test
    void badUrlEndpointAndTimeoutAreRefused() {
        assertThat(run("--url", "127.0.0.1:8000")).isEqualTo(2);
        assertThat(run("--url", "http://127.0.0.1:9", "--endpoint", "embeddings")).isEqualTo(2);
        assertThat(run("--url", "http://127.0.0.1:9", "--timeout-s", "0")).isEqualTo(2);
        assertThat(run("--url", "http://127.0.0.1:9", "--concurrency", "1,0")).isEqualTo(2);
    }

    @Test
    void anUnreachableServerFailsDiscoveryWithExitOne() {
        // Port 9 (discard) is closed on loopback: discovery fails before any load.
        assertThat(run("--url", "http://127.0.0.1:9", "--timeout-s", "2")).isEqualTo(1);
    }
}
