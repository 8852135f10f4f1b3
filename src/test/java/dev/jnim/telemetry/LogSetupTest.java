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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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

    /** What each NIM_LOG_LEVEL lets through: jnim's lowest level and the libraries' lowest level. */
    private static String[] expected(LogLevel level) {
        return switch (level) {
            case DEFAULT -> new String[] {"INFO", "WARNING"};
            case TRACE -> new String[] {"TRACE", "TRACE"};
            case DEBUG -> new String[] {"DEBUG", "DEBUG"};
            case INFO -> new String[] {"INFO", "INFO"};
            case WARNING -> new String[] {"WARNING", "WARNING"};
            case ERROR, CRITICAL -> new String[] {"ERROR", "ERROR"};
        };
    }

    private static final List<String> ORDER = List.of("TRACE", "DEBUG", "INFO", "WARNING", "ERROR");

    private static void logEveryLevel(Logger l, String who) {
        l.trace("{} TRACE", who);
        l.debug("{} DEBUG", who);
        l.info("{} INFO", who);
        l.warn("{} WARNING", who);
        l.error("{} ERROR", who);
    }

    @ParameterizedTest
    @EnumSource(LogLevel.class)
    void eachLevelInBothFormats(LogLevel level) throws Exception {
        for (boolean jsonl : new boolean[] {false, true}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            LogSetup.configure(level, jsonl, out);
            logEveryLevel(JNIM, "jnim");
            logEveryLevel(LIB, "library");
            java.util.logging.Logger.getLogger("io.helidon.common.Jul").finest("library TRACE via jul");
            java.util.logging.Logger.getLogger("io.helidon.common.Jul").warning("library WARNING via jul");
            String[] min = expected(level);
            List<String> want = new java.util.ArrayList<>();
            for (String l : ORDER.subList(ORDER.indexOf(min[0]), ORDER.size())) {
                want.add(l + " jnim " + l);
            }
            for (String l : ORDER.subList(ORDER.indexOf(min[1]), ORDER.size())) {
                want.add(l + " library " + l);
                if (l.equals("TRACE") || l.equals("WARNING")) {
                    want.add(l + " library " + l + " via jul");
                }
            }
            List<String> got = new java.util.ArrayList<>();
            ObjectMapper m = new ObjectMapper();
            for (String line : lines(out)) {
                if (jsonl) {
                    JsonNode n = m.readTree(line);
                    got.add(n.get("level").asText() + " " + n.get("message").asText());
                } else {
                    assertThat(line).matches("[A-Z]+ \\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\S+:\\d+\\] .*");
                    got.add(line.substring(0, line.indexOf(' ')) + " " + line.substring(line.indexOf("] ") + 2));
                }
            }
            assertThat(got).as("%s, jsonl=%s", level, jsonl).containsExactlyInAnyOrderElementsOf(want);
        }
    }

    @Test
    void bridgedJavaUtilLoggingNamesTheCallingClass() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogSetup.configure(LogLevel.INFO, true, out);
        java.util.logging.Logger.getLogger("io.helidon.common.Jul").warning("from jul");
        System.getLogger("io.helidon.common.SystemLogger").log(System.Logger.Level.WARNING, "from System.Logger");
        for (String line : lines(out)) {
            assertThat(new ObjectMapper().readTree(line).get("file_name").asText()).as(line)
                    .isEqualTo("LogSetupTest.java");
        }
        assertThat(lines(out)).hasSize(2);
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
