package dev.jnim.cache;

import static dev.jnim.cache.CacheTestSupport.cache;
import static dev.jnim.cache.CacheTestSupport.file;
import static dev.jnim.cache.CacheTestSupport.model;
import static dev.jnim.cache.CacheTestSupport.random;
import static dev.jnim.cache.CacheTestSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.manifest.ModelEntry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two downloaders sharing one cache fetch a file once: threads of one JVM, and two processes. */
@Timeout(60)
class ConcurrentDownloadTest {

    static final String REPO = "acme/shared-vlm";
    private static final byte[] WEIGHTS = random(1 << 20, 7);

    @TempDir
    Path tmp;
    FakeHub hub;
    ModelEntry model;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub().hf(REPO, "main", "model.safetensors", WEIGHTS, true);
        model = model(REPO, "main", file("hf://" + REPO + ":main?file=model.safetensors"));
        hub.holdBodies = new CountDownLatch(1); // the first body waits until the second downloader is queued
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void twoThreadsWithTheirOwnCacheObjectsDownloadOnce() throws Exception {
        try (var pool = Executors.newFixedThreadPool(2)) {
            Future<Path> a = pool.submit(() -> cache(tmp, settings(hub)).ensure(model, model.profiles().getFirst()));
            waitFor(() -> hub.count("cdn", "/blob/") == 1);
            Future<Path> b = pool.submit(() -> cache(tmp, settings(hub)).ensure(model, model.profiles().getFirst()));
            Thread.sleep(300); // b is now queued on the lock (or, without locking, would have asked the hub)
            hub.holdBodies.countDown();
            assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo(b.get(30, TimeUnit.SECONDS));
        }
        assertThat(hub.count("hub", "/resolve/")).isEqualTo(1);
        assertThat(hub.count("cdn", "/blob/")).isEqualTo(1);
        assertThat(Files.readAllBytes(tmp.resolve("models--acme--shared-vlm/snapshots/main/model.safetensors"))).isEqualTo(WEIGHTS);
    }

    @Test
    void twoProcessesSharingACacheVolumeDownloadOnce() throws Exception {
        try (var pool = Executors.newSingleThreadExecutor()) {
            Future<Path> mine = pool.submit(() -> cache(tmp, settings(hub)).ensure(model, model.profiles().getFirst()));
            waitFor(() -> hub.count("cdn", "/blob/") == 1); // this process holds the file lock and is downloading
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CacheChild.class.getName(),
                    tmp.toString(), hub.hubUrl()).redirectErrorStream(true).start();
            var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            // The child logs that it waits for our download before we let the download finish.
            String line;
            boolean waited = false;
            List<String> seen = new java.util.ArrayList<>();
            while ((line = out.readLine()) != null) {
                seen.add(line);
                if (line.contains("Waiting for another download of hf://acme/shared-vlm:main?file=model.safetensors")) {
                    waited = true;
                    hub.holdBodies.countDown();
                }
                if (line.startsWith("DIR ")) {
                    break;
                }
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(waited).as("child output: %s", seen).isTrue();
            assertThat(child.exitValue()).as("child output: %s", seen).isZero();
            assertThat(seen).contains("DIR " + mine.get(30, TimeUnit.SECONDS));
        }
        assertThat(hub.count("hub", "/resolve/")).isEqualTo(1);
        assertThat(hub.count("cdn", "/blob/")).isEqualTo(1);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in 20 s");
            }
            Thread.sleep(10);
        }
    }
}
