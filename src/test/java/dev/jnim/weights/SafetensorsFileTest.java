package dev.jnim.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnim.tensor.DType;
import dev.jnim.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @TempDir
    Path dir;

    private Map<String, Tensor> sample() {
        InMemoryWeights w = new InMemoryWeights("test");
        SplittableRandom rng = new SplittableRandom(1);
        w.addRandom("a.weight", DType.F32, 0, 1, rng, 3, 4);
        w.addRandom("b.weight", DType.BF16, 0, 1, rng, 5);
        w.addRandom("c.weight", DType.F16, 0, 1, rng, 2, 2);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String n : w.names()) {
            m.put(n, w.get(n));
        }
        return m;
    }

    @Test
    void roundTripsEveryDtypeWithoutCopying() throws IOException {
        Map<String, Tensor> src = sample();
        Path f = dir.resolve("m.safetensors");
        SafetensorsWriter.write(f, src);
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertThat(st.names()).containsExactlyInAnyOrder("a.weight", "b.weight", "c.weight");
            assertThat(st.metadata()).containsEntry("format", "pt");
            for (Tensor t : src.values()) {
                Tensor r = st.get(t.name());
                assertThat(r.dtype()).isEqualTo(t.dtype());
                assertThat(r.shape()).isEqualTo(t.shape());
                assertThat(r.toFloatArray()).isEqualTo(t.toFloatArray());
                assertThat(r.data().isMapped()).isTrue();
            }
        }
    }

    @Test
    void readsTheGoldenCheckpoint() throws Exception {
        Path f = Path.of(getClass().getResource("/golden/llama-gqa-llama3rope-tied/model.safetensors").toURI());
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertThat(st.get("model.embed_tokens.weight").shape()).containsExactly(320, 64);
            assertThat(st.contains("lm_head.weight")).isFalse();
        }
        Path b = f.resolveSibling("model.bf16.safetensors");
        try (SafetensorsFile st = SafetensorsFile.open(b)) {
            assertThat(st.get("model.norm.weight").dtype()).isEqualTo(DType.BF16);
        }
    }

    @Test
    void truncatedFileNamesFileAndTensor() throws IOException {
        Path f = dir.resolve("t.safetensors");
        SafetensorsWriter.write(f, sample());
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 3));
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(WeightsException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("c.weight").hasMessageContaining("truncated");
        Files.write(f, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SafetensorsFile.open(f)).hasMessageContaining(f.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void badHeaderIsRejected() throws IOException {
        Path f = dir.resolve("h.safetensors");
        byte[] junk = "{not json".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + junk.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(junk.length).put(junk);
        Files.write(f, b.array());
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(WeightsException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("not valid JSON");
        b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).putLong(0);
        Files.write(f, b.array());
        assertThatThrownBy(() -> SafetensorsFile.open(f)).hasMessageContaining("bad safetensors header length");
    }

    @Test
    void unsupportedDtypeAndWrongSpanNameTheTensor() throws IOException {
        Path f = dir.resolve("d.safetensors");
        writeRaw(f, "{\"x\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        assertThatThrownBy(() -> SafetensorsFile.open(f)).hasMessageContaining("tensor x")
                .hasMessageContaining("unsupported safetensors dtype I32");
        writeRaw(f, "{\"y\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        assertThatThrownBy(() -> SafetensorsFile.open(f)).hasMessageContaining("tensor y")
                .hasMessageContaining("needs 12");
    }

    @Test
    void missingTensorAndWrongShapeNameFileAndTensor() throws IOException {
        Path f = dir.resolve("s.safetensors");
        SafetensorsWriter.write(f, sample());
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertThatThrownBy(() -> st.get("nope.weight")).isInstanceOf(WeightsException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("missing tensor nope.weight");
            assertThatThrownBy(() -> st.get("a.weight", 4, 3)).hasMessageContaining("a.weight")
                    .hasMessageContaining("[3, 4]").hasMessageContaining("expected [4, 3]");
        }
    }

    @Test
    void shardedIndexResolvesTensorsAcrossFiles() throws IOException {
        Map<String, Tensor> all = sample();
        Map<String, Tensor> first = new LinkedHashMap<>();
        Map<String, Tensor> second = new LinkedHashMap<>();
        first.put("a.weight", all.get("a.weight"));
        second.put("b.weight", all.get("b.weight"));
        second.put("c.weight", all.get("c.weight"));
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), first);
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), second);
        Files.writeString(dir.resolve("model.safetensors.index.json"), """
                {"metadata":{"total_size":0},"weight_map":{
                  "a.weight":"model-00001-of-00002.safetensors",
                  "b.weight":"model-00002-of-00002.safetensors",
                  "c.weight":"model-00002-of-00002.safetensors"}}""");
        try (WeightSource w = Checkpoints.open(dir)) {
            assertThat(w).isInstanceOf(ShardedSafetensors.class);
            assertThat(w.names()).hasSize(3);
            assertThat(w.get("c.weight").toFloatArray()).isEqualTo(all.get("c.weight").toFloatArray());
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"z.weight\":\"model-00001-of-00002.safetensors\"}}");
        assertThatThrownBy(() -> Checkpoints.open(dir)).isInstanceOf(WeightsException.class)
                .hasMessageContaining("model-00001-of-00002.safetensors").hasMessageContaining("missing tensor z.weight");
    }

    @Test
    void directoryWithoutWeightsIsAClearError() {
        assertThatThrownBy(() -> Checkpoints.open(dir)).isInstanceOf(WeightsException.class)
                .hasMessageContaining("no model.safetensors");
    }

    private static void writeRaw(Path f, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Files.write(f, b.array());
    }
}
