package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.api.GenerationOptions;
import dev.jnim.config.LogLevel;
import dev.jnim.model.ImageInput;
import dev.jnim.telemetry.LogSetup;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The request log line: contents only when asked for, images only as size and hash. */
class RequestLogTest {

    private static final String BASE64 = Base64.getEncoder().encodeToString(new byte[300]);

    @AfterAll
    static void restoreDefaultLogging() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        new ContextInitializer(ctx).autoConfig();
    }

    private static String log(boolean contents, LogLevel level) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogSetup.configure(level, false, out);
        GenerationOptions o = GenerationOptions.parse(new ObjectMapper().readTree(
                "{\"temperature\":0.25,\"top_p\":0.9,\"max_tokens\":7,\"stop\":[\"END\"],\"user\":\"user-7\"}"), true, 1000);
        ImageInput image = new ImageInput(new float[] {1f}, 1, null, 0x0123456789abcdefL);
        RequestLog.received(contents, "chatcmpl-1", "rid-1",
                List.of("<image>Describe data:image/png;base64," + BASE64 + " please"), List.of(new int[] {1, 5, 9}), o,
                List.of(image), List.of(48211));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void contentsWithSamplingParamsAndTokenIdsButNoImageData() throws Exception {
        String line = log(true, LogLevel.DEFAULT);
        assertThat(line.lines()).singleElement().asString().startsWith("INFO ")
                .contains("Received request chatcmpl-1 (request_id=rid-1): prompt: \"<image>Describe <image data: ")
                .contains("temperature=0.25, top_p=0.9,").contains("max_tokens=7").contains("stop=[\"END\"]")
                .contains("prompt_token_ids: [1, 5, 9]")
                .endsWith("images: [image(bytes=48211, sha256=0123456789abcdef...)]");
        assertThat(line).doesNotContain(BASE64.substring(0, 40)).doesNotContain("user-7");
    }

    @Test
    void byDefaultOnlyIdsAndSizesEvenAtTrace() throws Exception {
        String line = log(false, LogLevel.TRACE);
        assertThat(line.lines()).singleElement().asString().startsWith("DEBUG ")
                .endsWith("Received request chatcmpl-1 (request_id=rid-1): 1 prompt(s), 3 prompt tokens, 1 image(s)");
        assertThat(log(false, LogLevel.DEFAULT)).isEmpty();
    }
}
