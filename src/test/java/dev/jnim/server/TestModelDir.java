package dev.jnim.server;

import dev.jnim.config.Settings;
import dev.jnim.hardware.HardwareDetector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.model.ModelConfig;
import dev.jnim.model.RandomModels;
import dev.jnim.tensor.DType;
import dev.jnim.tensor.Tensor;
import dev.jnim.weights.InMemoryWeights;
import dev.jnim.weights.SafetensorsWriter;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A servable model directory for integration tests: the Llama 3 tokenizer (real chat template, two
 * EOS ids) and a random two-layer Llama of hidden size 64 with the tokenizer's vocabulary. It talks
 * gibberish; tests check the protocol, counts, determinism and errors.
 */
final class TestModelDir {

    static final int VOCAB = 128256;

    private TestModelDir() {
    }

    static Path create(Path dir) throws IOException {
        Path tok;
        try {
            tok = Path.of(TestModelDir.class.getResource("/golden/tokenizers/llama3").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Files.copy(tok.resolve("tokenizer.json.gz"), dir.resolve("tokenizer.json.gz"));
        Files.copy(tok.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode cfg = (ObjectNode) RandomModels.shape("tiny").json().deepCopy();
        cfg.put("vocab_size", VOCAB);
        cfg.putArray("eos_token_id").add(128001).add(128009);
        Files.writeString(dir.resolve("config.json"), json.writeValueAsString(cfg));
        ModelConfig config = ModelConfig.load(dir);
        try (InMemoryWeights w = RandomModels.weights(config, DType.BF16, 7)) {
            Map<String, Tensor> tensors = new HashMap<>();
            for (String name : w.names()) {
                tensors.put(name, w.find(name).orElseThrow());
            }
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
        }
        return dir;
    }

    /** Options for a test server on a free loopback port with a small KV pool. */
    static ServerOptions options(Path dir, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("NIM_MODEL_NAME", dir.toString(), "NIM_SERVER_PORT", "0",
                "NIM_MAX_MODEL_LEN", "512", "NIM_KVCACHE_PERCENT", "0.002", "NIM_NUM_THREADS", "2",
                "NIM_SERVED_MODEL_NAME", "test-model,alias-model"));
        env.putAll(extra);
        Settings s = Settings.fromEnv(env);
        long memory = HardwareDetector.system().detect(s).memory().availableBytes();
        return ServerOptions.of(s, dir, s.server().servedModelNames(), false, memory).withHost("127.0.0.1");
    }
}
