package dev.jnim.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.config.LogLevel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogSetupTest {

    private static final Logger JNIM = LoggerFactory.getLogger("dev.jnim.telemetry.Probe");
    private static final Logger LIB = LoggerFactory.getLogger("io.helidon.webserver.Probe");

    @AfterAll
    static void restoreDefaultLogging() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        new ContextInitializer(ctx).autoConfig();
    }

    private static List<String> lines(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void textLinesLookLikeNims() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogSetup.configure(LogLevel.DEFAULT, false, out);
        JNIM.info("Selected profile: {}", "cpu-bf16");
        JNIM.warn("careful");
        JNIM.debug("hidden at DEFAULT");
        LIB.info("library chatter hidden at DEFAULT");
        LIB.warn("library warning shown");
        List<String> l = lines(out);
        assertThat(l).hasSize(3);
        assertThat(l.get(0)).matches("INFO \\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} LogSetupTest\\.java:\\d+\\] "
                + "Selected profile: cpu-bf16");
        assertThat(l.get(1)).startsWith("WARNING ").endsWith("] careful");
        assertThat(l.get(2)).startsWith("WARNING ").endsWith("] library warning shown");
    }

    @Test
    void traceShowsEverythingIncludingLibrariesAndJavaUtilLogging() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogSetup.configure(LogLevel.TRACE, false, out);
        JNIM.trace("jnim trace");
        LIB.debug("library debug");
        java.util.logging.Logger.getLogger("io.helidon.common.Jul").fine("jul fine");
        String all = out.toString(StandardCharsets.UTF_8);
        assertThat(all).contains("] jnim trace").contains("DEBUG ").contains("] library debug").contains("] jul fine");
    }

    @Test
    void errorLevelHidesWarnings() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogSetup.configure(LogLevel.ERROR, false, out);
        JNIM.warn("not shown");
        JNIM.error("shown");
        assertThat(lines(out)).singleElement().asString().startsWith("ERROR ").endsWith("] shown");
    }

    @Test
    void jsonLinesHaveNimsKeysAndCarryExceptions() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogSetup.configure(LogLevel.INFO, true, out);
        JNIM.info("hello \"json\"");
        JNIM.error("failed", new IllegalStateException("boom"));
        java.util.logging.Logger.getLogger("io.helidon.common.Jul").warning("from jul");
        List<String> l = lines(out);
        assertThat(l).hasSize(3);
        ObjectMapper m = new ObjectMapper();
        for (String line : l) {
            JsonNode n = m.readTree(line);
            assertThat(n.fieldNames()).toIterable().containsExactly("level", "time", "file_name", "file_path",
                    "line_number", "message", "exc_info", "stack_info");
        }
        JsonNode first = m.readTree(l.get(0));
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("message").asText()).isEqualTo("hello \"json\"");
        assertThat(first.get("file_name").asText()).isEqualTo("LogSetupTest.java");
        assertThat(first.get("line_number").asInt()).isPositive();
        assertThat(first.get("exc_info").isNull()).isTrue();
        JsonNode err = m.readTree(l.get(1));
        assertThat(err.get("exc_info").asText()).contains("IllegalStateException: boom");
        assertThat(m.readTree(l.get(2)).get("level").asText()).isEqualTo("WARNING");
    }
}
