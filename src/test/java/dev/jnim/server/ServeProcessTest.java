package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jnim serve} as a process: a bad variable exits 2; SIGTERM drains and exits 0. */
class ServeProcessTest {

    private static final Pattern LISTENING = Pattern.compile("Listening on http://[^:]+:(\\d+)");

    @TempDir
    Path dir;

    private static Process serve(Map<String, String> env) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "dev.jnim.cli.Main", "serve");
        pb.environment().keySet().removeIf(k -> k.startsWith("NIM_") || k.startsWith("JNIM_"));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        return pb.start();
    }

    /** Collects the process output on a virtual thread. */
    private static List<String> drain(Process p) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output closed: " + e + ")");
            }
        });
        return lines;
    }

    private static String await(List<String> lines, String text, Process p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            for (String l : lines) {
                if (l.contains(text)) {
                    return l;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + text + "' in the output:\n" + String.join("\n", lines));
    }

    @Test
    void badSettingExits2NamingTheVariable() throws Exception {
        Process p = serve(Map.of("NIM_MODEL_NAME", dir.toString(), "NIM_SERVER_PORT", "eighty"));
        List<String> out = drain(p);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        Thread.sleep(50);
        assertThat(String.join("\n", out)).contains("NIM_SERVER_PORT").contains("0 to 65535");
    }

    @Test
    void sigtermDrainsAndExitsZero() throws Exception {
        TestModelDir.create(dir);
        Process p = serve(Map.of("NIM_MODEL_NAME", dir.toString(), "NIM_SERVER_PORT", "0", "NIM_MAX_MODEL_LEN", "512",
                "NIM_KVCACHE_PERCENT", "0.002", "NIM_NUM_THREADS", "2", "NIM_SERVED_MODEL_NAME", "test-model"));
        List<String> out = drain(p);
        try {
            Matcher m = LISTENING.matcher(await(out, "Listening on", p));
            assertThat(m.find()).isTrue();
            Http http = new Http(Integer.parseInt(m.group(1)));
            await(out, "Service is ready", p);
            // NIM's model documents, built from the resolved model and profile at startup.
            Http.Response manifest = http.get("/v1/manifest");
            assertThat(manifest.status()).isEqualTo(200);
            assertThat(manifest.json().get("object").asText()).isEqualTo("manifest");
            Http.Response metadata = http.get("/v1/metadata");
            assertThat(metadata.status()).isEqualTo(200);
            assertThat(metadata.json().get("selectedModelProfileId").asText()).matches("[0-9a-f]{64}");
            assertThat(http.get("/v1/license").status()).isEqualTo(200);
            assertThat(http.post("/v1/metadata", "{}").status()).isEqualTo(405);
            try (Http.StreamingCall call = http.stream(RawHttpTest.CHAT, StreamingAndMetricsTest.longStream(40, ""))) {
                assertThat(call.nextData()).isNotNull();
                p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
                String d;
                String last = null;
                while ((d = call.nextData()) != null && !d.equals("[DONE]")) {
                    last = d;
                }
                assertThat(d).as("the in-flight stream completes").isEqualTo("[DONE]");
                assertThat(last).contains("\"finish_reason\":\"length\"");
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(String.join("\n", out)).isZero();
            long readDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!String.join("\n", out).contains("Stopped") && System.nanoTime() < readDeadline) {
                Thread.sleep(20); // the output reader may still be behind the exited process
            }
            assertThat(String.join("\n", out)).contains("Shutting down").contains("Stopped");
        } finally {
            p.destroyForcibly();
        }
    }
}
