package dev.jnim.weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Opens the weights of a Hugging Face model directory: a sharded index, or a single safetensors file. */
public final class Checkpoints {

    private Checkpoints() {
    }

    /** Opens {@code dir/model.safetensors.index.json} if present, else the one {@code *.safetensors} file. */
    public static WeightSource open(Path dir) {
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            return ShardedSafetensors.open(index);
        }
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return SafetensorsFile.open(single);
        }
        List<Path> candidates;
        try (Stream<Path> s = Files.list(dir)) {
            candidates = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new WeightsException(dir + ": cannot list model directory: " + e.getMessage(), e);
        }
        if (candidates.size() == 1) {
            return SafetensorsFile.open(candidates.getFirst());
        }
        throw new WeightsException(dir + ": no model.safetensors or model.safetensors.index.json"
                + (candidates.isEmpty() ? "" : " (found " + candidates.size() + " .safetensors files but no index)"));
    }
}
