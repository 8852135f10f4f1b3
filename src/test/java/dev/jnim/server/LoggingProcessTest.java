package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./jnim serve} as operators run it (the launcher script, the classes of this build): in
 * JSONL mode every line of stdout and stderr of a whole run, the JVM's own warning included, is a
 * JSON object with NIM's keys; request contents reach the log only with
 * {@code NIM_DISABLE_LOG_REQUESTS=0}; secrets and Authorization headers never, even at TRACE.
 */
class LoggingProcessTest {

    private static final String PROMPT_MARKER = "zebra-marmalade-7731";
    private static final String BEARER = "sk-bearer-secret-4411";
    private static final String NGC_KEY = "nvapi-ngc-secret-5522";
    private static final String HF_TOKEN = "hf_secret_6633";
    private static final List<String> NIM_KEYS = List.of("level", "time", "file_name", "file_path", "line_number",
            "message", "exc_info", "stack_info");
    private static final Pattern LISTENING = Pattern.compile("Listening on http://[^:]+:(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void createModel() throws Exception {
        model = TestModelDir.create(dir);
    }

    /** A running {@code ./jnim serve}: its stdout and stderr lines, collected until both close. */
    record Run(Process process, List<String> out, List<String> err, CountDownLatch closed) {
        List<String> all() {
            List<String> a = new ArrayList<>(out);
            a.addAll(err);
            return a;
        }

        String await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline && process.isAlive()) {
                for (String l : all()) {
                    if (l.contains(text)) {
                        return l;
                    }
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no '" + text + "' in the output:\n" + String.join("\n", all()));
        }

        /** SIGTERM (to the launcher's PID, which is java's after exec), then all output. */
        int stop() throws InterruptedException {
            process.toHandle().destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(closed.await(30, TimeUnit.SECONDS)).as("stdout and stderr closed").isTrue();
            return process.exitValue();
        }
    }

    static Run launch(Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", "jnim", "serve");
        pb.directory(Path.of(System.getProperty("user.dir")).toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("NIM_") || k.startsWith("JNIM_") || k.startsWith("OTEL_"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JNIM_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("JNIM_JAVA_OPTS", "-Xmx512m");
        pb.environment().putAll(env);
        Process p = pb.start();
        List<String> out = new CopyOnWriteArrayList<>();
        List<String> err = new CopyOnWriteArrayList<>();
        CountDownLatch closed = new CountDownLatch(2);
        drain(p.getInputStream(), out, closed);
        drain(p.getErrorStream(), err, closed);
        return new Run(p, out, err, closed);
    }

    private static void drain(InputStream in, List<String> lines, CountDownLatch closed) {
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output closed: " + e + ")");
            } finally {
                closed.countDown();
            }
        });
    }

    static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("NIM_MODEL_NAME", model.toString(), "NIM_SERVER_PORT", "0",
                "NIM_MAX_MODEL_LEN", "512", "NIM_KVCACHE_PERCENT", "0.002", "NIM_NUM_THREADS", "2",
                "NIM_SERVED_MODEL_NAME", "test-model", "NGC_API_KEY", NGC_KEY, "HF_TOKEN", HF_TOKEN));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String chat(boolean stream) {
        return "{\"model\":\"test-model\",\"max_tokens\":4,\"temperature\":0.5,\"seed\":11,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say " + PROMPT_MARKER + " twice\"}]}";
    }

    private static final Map<String, String> AUTH = Map.of("Authorization", "Bearer " + BEARER);

    /** The requests of both runs: chat (plain and streamed), a completion, an invalid one, with a bearer token. */
    private static Http exercise(Run run) throws Exception {
        Matcher m = LISTENING.matcher(run.await("Listening on"));
        assertThat(m.find()).isTrue();
        Http http = new Http(Integer.parseInt(m.group(1)));
        run.await("Service is ready");
        Map<String, String> headers = new HashMap<>(AUTH);
        headers.put("X-Request-Id", "client-req-42");
        Http.Response r = http.postWithHeaders(RawHttpTest.CHAT, chat(false), headers);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("X-Request-Id")).hasValue("client-req-42");
        r = http.postWithHeaders(RawHttpTest.CHAT, chat(true), AUTH);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("X-Request-Id")).hasValueSatisfying(
                id -> assertThat(id).matches("[0-9a-f]{32}"));
        r = http.postWithHeaders("/v1/completions", "{\"model\":\"test-model\",\"max_tokens\":2,\"prompt\":\""
                + PROMPT_MARKER + "\"}", AUTH);
        assertThat(r.status()).isEqualTo(200);
        r = http.postWithHeaders(RawHttpTest.CHAT, chat(false).replace("\"test-model\"", "\"no-such-model\""), AUTH);
        assertThat(r.status()).isEqualTo(404);
        return http;
    }

    /** The run's output under target/ for a reader (the assertions print only what failed). */
    private static void keep(List<String> lines, String name) throws IOException {
        java.nio.file.Files.write(Path.of("target", "LoggingProcessTest-" + name + ".log"), lines);
    }

    private static void assertNoSecrets(List<String> lines) {
        String all = String.join("\n", lines);
        assertThat(all).doesNotContain(BEARER).doesNotContain(NGC_KEY).doesNotContain(HF_TOKEN)
                .doesNotContainIgnoringCase("Bearer ");
    }

    @Test
    void jsonlRunAtTraceIsAllJsonAndLogsNoRequestContents() throws Exception {
        Run run = launch(env("NIM_JSONL_LOGGING", "1", "NIM_LOG_LEVEL", "TRACE"));
        try {
            exercise(run);
            run.await("request_id=client-req-42");
            assertThat(run.stop()).as("exit status after SIGTERM").isZero();
        } finally {
            run.process().destroyForcibly();
        }
        List<String> all = run.all();
        keep(all, "jsonl-trace");
        List<JsonNode> records = new ArrayList<>();
        for (String line : all) {
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + line, e);
            }
            assertThat(n.isObject()).as(line).isTrue();
            List<String> keys = new ArrayList<>();
            n.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).as(line).isEqualTo(NIM_KEYS);
            records.add(n);
        }
        List<String> messages = records.stream().map(n -> n.get("message").asText()).toList();
        // The JVM's own line (before any Java code runs), wrapped by the launcher.
        assertThat(records).anySatisfy(n -> {
            assertThat(n.get("message").asText()).contains("Using incubator modules");
            assertThat(n.get("level").asText()).isEqualTo("WARNING");
        });
        // TRACE really is everything: the HTTP server's debug output is there.
        assertThat(records).anySatisfy(n -> {
            assertThat(n.get("file_path").asText()).startsWith("io/helidon");
            assertThat(n.get("level").asText()).isIn("DEBUG", "TRACE");
        });
        // ... including its header log, whose values it redacts (the Authorization value is checked below).
        assertThat(messages).anySatisfy(msg -> assertThat(msg).contains("Authorization:"));
        // One access-log line per request, with the client's or a generated request id.
        assertThat(messages).anySatisfy(msg -> assertThat(msg).matches(
                "127\\.0\\.0\\.1:\\d+ \"POST /v1/chat/completions HTTP/1\\.1\" 200 [\\d.]+ ms request_id=client-req-42"));
        assertThat(messages).anySatisfy(msg -> assertThat(msg).matches(
                ".*\"POST /v1/chat/completions HTTP/1\\.1\" 404 [\\d.]+ ms request_id=[0-9a-f]{32}"));
        assertThat(messages).anySatisfy(msg -> assertThat(msg).contains("\"POST /v1/completions HTTP/1.1\" 200"));
        assertThat(messages).anySatisfy(msg -> assertThat(msg).contains("Stopped"));
        // Request contents never, at any level, unless NIM_DISABLE_LOG_REQUESTS=0.
        String text = String.join("\n", all);
        assertThat(text).doesNotContain(PROMPT_MARKER).doesNotContain("prompt_token_ids")
                .doesNotContain("SamplingParams");
        assertThat(messages).anySatisfy(msg -> assertThat(msg).matches(
                "Received request chatcmpl-[0-9a-f]+ \\(request_id=client-req-42\\): 1 prompt\\(s\\), \\d+ prompt tokens, 0 image\\(s\\)"));
        assertNoSecrets(all);
    }

    @Test
    void requestLogsWithDisableLogRequests0ShowContentsButNeverSecrets() throws Exception {
        Run run = launch(env("NIM_DISABLE_LOG_REQUESTS", "0", "NIM_LOG_LEVEL", "TRACE"));
        try {
            exercise(run);
            run.await("request_id=client-req-42");
            assertThat(run.stop()).isZero();
        } finally {
            run.process().destroyForcibly();
        }
        List<String> all = run.all();
        keep(all, "log-requests-trace");
        List<String> received = all.stream().filter(l -> l.contains("Received request")).toList();
        assertThat(received).as(String.join("\n", all)).hasSize(3); // the two chats and the completion
        String chat = received.stream().filter(l -> l.contains("request_id=client-req-42")).findFirst().orElseThrow();
        assertThat(chat).matches("INFO \\d\\d-\\d\\d [\\d:.]+ RequestLog\\.java:\\d+\\] Received request chatcmpl-\\w+ "
                + "\\(request_id=client-req-42\\): prompt: \".*" + PROMPT_MARKER + ".*\", params: SamplingParams\\(n=1, .*"
                + "temperature=0\\.5, .*seed=11, .*max_tokens=4, .*\\), prompt_token_ids: \\[128000, [\\d, ]+\\], images: \\[\\]");
        assertThat(received).anySatisfy(l -> assertThat(l).contains("Received request cmpl-")
                .contains("prompt: \"" + PROMPT_MARKER + "\""));
        assertNoSecrets(all);
    }

    @Test
    void badOtelValueStopsStartupNamingTheVariable() throws Exception {
        Run run = launch(env("NIM_JSONL_LOGGING", "1", "NIM_ENABLE_OTEL", "1", "OTEL_TRACES_EXPORTER", "jaeger"));
        assertThat(run.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.closed().await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.process().exitValue()).isEqualTo(2);
        List<String> all = run.all();
        String error = all.stream().filter(l -> l.contains("OTEL_TRACES_EXPORTER")).findFirst()
                .orElseThrow(() -> new AssertionError(String.join("\n", all)));
        JsonNode n = JSON.readTree(error);
        assertThat(n.get("level").asText()).isEqualTo("ERROR");
        assertThat(n.get("message").asText()).contains("'jaeger'").containsIgnoringCase("console, otlp, none");
    }
}
