package dev.jnim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnim.cache.ProgressListener;
import dev.jnim.hardware.Fixtures;
import dev.jnim.hardware.GpuProbe;
import dev.jnim.hardware.HardwareDetector;
import dev.jnim.manifest.Manifest;
import dev.jnim.manifest.ManifestLoader;
import dev.jnim.manifest.Profile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelUtilitiesTest {

    private static final ProgressListener QUIET = new ProgressListener() {
        @Override
        public void started(String name, long offset, long total) {}

        @Override
        public void advanced(String name, long done, long total) {}

        @Override
        public void finished(String name, long total) {}
    };

    @TempDir
    Path tmp;
    Path manifestFile;
    final Map<String, String> env = new HashMap<>();

    record Run(int code, List<String> out, List<String> err) {}

    @BeforeEach
    void localManifest() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("config.json"), "{\"torch_dtype\":\"bfloat16\"}");
        Files.writeString(src.resolve("model.safetensors"), "weights");
        manifestFile = tmp.resolve("manifest.yaml");
        Files.writeString(manifestFile, """
                models:
                  - name: acme/local-vlm
                    revision: r1
                    profiles:
                      - name: cpu-bf16
                        tags: {llm_engine: jnim, precision: bf16, device: cpu, min_memory_gib: 1}
                        files: &f
                          - {uri: "%s"}
                          - {uri: "%s"}
                      - name: cpu-q8_0
                        tags: {llm_engine: jnim, precision: q8_0, device: cpu, min_memory_gib: 1}
                        files: *f
                """.formatted(src.resolve("config.json").toUri(), src.resolve("model.safetensors").toUri()));
        env.put("NIM_MANIFEST_PATH", manifestFile.toString());
        env.put("NIM_CACHE_PATH", tmp.resolve("cache").toString());
    }

    private Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString().lines().toList(), err.toString().lines().toList());
    }

    private Environment environment(String smi) {
        GpuProbe probe = smi == null ? GpuProbe.none() : Fixtures.smi(smi);
        return new Environment(env, new HardwareDetector(Fixtures.HARDWARE.resolve("epyc-cgroup1"), probe), () -> QUIET);
    }

    private Manifest manifest() {
        return ManifestLoader.load(Optional.of(manifestFile), tmp.resolve("none"));
    }

    private String id(String name) {
        return manifest().profiles().filter(p -> p.name().equals(name)).map(Profile::id).findFirst().orElseThrow();
    }

    @Test
    void listModelProfilesPrintsNimsLayoutLineByLine() throws Exception {
        env.put("NIM_MANIFEST_PATH", Path.of("src/test/resources/manifest/gpu-manifest.yaml").toAbsolutePath().toString());
        env.put("NIM_MODEL_NAME", "test/vlm");
        Manifest m = ManifestLoader.load(Optional.of(Path.of(env.get("NIM_MANIFEST_PATH"))), tmp.resolve("none"));
        java.util.function.Function<String, String> idOf = n -> m.profiles().filter(p -> p.name().equals(n)).findFirst().orElseThrow().id();
        Run r = run(new ListModelProfilesCommand(environment("a6000-geforce")));
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(tmp.resolve("cache")).as("listing does not create the cache").doesNotExist();
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(r.out()).containsExactly(
                "SYSTEM INFO",
                "- Free GPUs:",
                "  -  [2230:10de] (1) NVIDIA RTX A6000 (47 GiB) [current utilization: 0%]",
                "- Non-free GPUs:",
                "  -  [2206:10de] (0) NVIDIA GeForce RTX 3080 (10 GiB) [current utilization: 7%]",
                "- CPU: AMD EPYC 7763 64-Core Processor (" + cores + " cores, avx2, "
                        + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors)",
                "- Memory: 6.0 GiB available of 8.0 GiB",
                "MODEL PROFILES",
                "- Model: test/vlm",
                "- Compatible with system and runnable:",
                "  - " + idOf.apply("gpu-a6000-bf16") + " (gpu-a6000-bf16)",
                "  - " + idOf.apply("cpu-q8_0") + " (cpu-q8_0)",
                "  - " + idOf.apply("cpu-bf16") + " (cpu-bf16)",
                "- Compatible with system but low memory:",
                "  - " + idOf.apply("gpu-bf16-tp2") + " (gpu-bf16-tp2) [requires >=20 GiB free on each of 2 GPU(s)]",
                "- Incompatible with system:",
                "  - " + idOf.apply("gpu-h100-fp8") + " (gpu-h100-fp8) [needs 1 x H100 GPU, found 0]",
                "  - " + idOf.apply("gpu-h100-bf16") + " (gpu-h100-bf16) [needs 1 x H100 GPU, found 0]",
                "  - " + idOf.apply("cpu-avx512-bf16") + " (cpu-avx512-bf16) [needs a CPU with avx512]",
                "  - " + idOf.apply("vllm-fp16-tp1") + " (vllm-fp16-tp1) [engine vllm is not available in jnim]");
    }

    @Test
    void cudaVisibleDevicesHidesTheComputeGpu() {
        env.put("NIM_MANIFEST_PATH", Path.of("src/test/resources/manifest/gpu-manifest.yaml").toAbsolutePath().toString());
        env.put("NIM_MODEL_NAME", "test/vlm");
        env.put("CUDA_VISIBLE_DEVICES", "0");
        Run r = run(new ListModelProfilesCommand(environment("a6000-geforce")));
        assertThat(r.out()).contains("- Free GPUs: <None>", "  -  [2206:10de] (0) NVIDIA GeForce RTX 3080 (10 GiB) [current utilization: 7%]");
        assertThat(r.out()).noneMatch(l -> l.contains("A6000") && l.startsWith("  -  ["));
    }

    @Test
    void aWrongSettingExitsWithStatus2AndOneLine() {
        env.put("NIM_LOG_LEVEL", "LOUD");
        for (Object command : List.of(new ListModelProfilesCommand(environment(null)), new DownloadToCacheCommand(environment(null)))) {
            Run r = run(command);
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).containsExactly(
                    "jnim: Invalid NIM_LOG_LEVEL='LOUD': expected one of DEFAULT, TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL");
            assertThat(r.out()).isEmpty();
        }
        Run r = run(new CreateModelStoreCommand(environment(null)), "--profile", "cpu-bf16", "--model-store", tmp.resolve("s").toString());
        assertThat(r.code()).isEqualTo(2);
    }

    @Test
    void everyUtilityHasHelp() {
        for (Object command : List.of(new ListModelProfilesCommand(environment(null)), new DownloadToCacheCommand(environment(null)),
                new CreateModelStoreCommand(environment(null)))) {
            Run r = run(command, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out().getFirst()).startsWith("Usage: ");
        }
        Run main = run(new Main(), "--help");
        assertThat(String.join("\n", main.out())).contains("list-model-profiles", "download-to-cache", "create-model-store");
    }

    @Test
    void downloadToCacheTheSelectedProfileThenAllThenNamed() throws Exception {
        Run r = run(new DownloadToCacheCommand(environment(null)));
        assertThat(r.code()).as("%s", r.err()).isZero();
        Path snapshot = tmp.resolve("cache/models--acme--local-vlm/snapshots/r1");
        assertThat(r.out()).containsExactly("Downloaded profile " + id("cpu-q8_0") + " (cpu-q8_0) of acme/local-vlm to " + snapshot);
        assertThat(Files.readString(snapshot.resolve("model.safetensors"))).isEqualTo("weights");
        assertThat(run(new DownloadToCacheCommand(environment(null)), "--all").out()).hasSize(2);
        assertThat(run(new DownloadToCacheCommand(environment(null)), "--profiles", id("cpu-bf16"), "cpu-q8_0").out())
                .containsExactly("Downloaded profile " + id("cpu-bf16") + " (cpu-bf16) of acme/local-vlm to " + snapshot,
                        "Downloaded profile " + id("cpu-q8_0") + " (cpu-q8_0) of acme/local-vlm to " + snapshot);
    }

    @Test
    void aLocalDirectoryNeedsNoDownload() throws Exception {
        env.put("NIM_MODEL_NAME", tmp.resolve("src").toString());
        Run r = run(new DownloadToCacheCommand(environment(null)));
        assertThat(r.code()).isZero();
        assertThat(r.out()).containsExactly("NIM_MODEL_NAME is the local directory " + tmp.resolve("src")
                + "; it is served in place, nothing to download");
        assertThat(tmp.resolve("cache/models--src")).doesNotExist();
    }

    @Test
    void unknownProfileFailsWithTheValidOnes() {
        Run r = run(new DownloadToCacheCommand(environment(null)), "--profiles", "gpu-fp8");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).containsExactly("jnim: profile 'gpu-fp8' matches no profile of model acme/local-vlm; valid profiles: "
                + id("cpu-bf16") + " (cpu-bf16), " + id("cpu-q8_0") + " (cpu-q8_0)");
    }

    @Test
    void createModelStoreLaysOutAPlainDirectory() throws Exception {
        Path store = tmp.resolve("store");
        Run r = run(new CreateModelStoreCommand(environment(null)), "--profile", id("cpu-bf16"), "--model-store", store.toString());
        assertThat(r.code()).as("%s", r.err()).isZero();
        assertThat(Files.readString(store.resolve("config.json"))).contains("bfloat16");
        assertThat(Files.isSymbolicLink(store.resolve("model.safetensors"))).isFalse();
        assertThat(Files.readString(store.resolve("model.safetensors"))).isEqualTo("weights");
        Files.writeString(store.resolve("config.json"), "edited");  // a copy: the cache keeps its verified file
        var snapshot = tmp.resolve("cache/models--acme--local-vlm/snapshots/r1");
        assertThat(Files.readString(snapshot.resolve("config.json"))).contains("bfloat16");
        assertThat(r.out()).containsExactly("Created model store for profile " + id("cpu-bf16") + " (cpu-bf16) at " + store.toAbsolutePath());
    }
}
