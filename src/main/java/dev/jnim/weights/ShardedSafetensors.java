package dev.jnim.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A checkpoint split into shards, described by {@code model.safetensors.index.json}
 * ({@code weight_map: tensor name -> shard file}), as transformers writes it.
 */
public final class ShardedSafetensors implements WeightSource {

    private final Path indexFile;
    private final Map<String, SafetensorsFile> byTensor;
    private final List<SafetensorsFile> shards;

    private ShardedSafetensors(Path indexFile, Map<String, SafetensorsFile> byTensor, List<SafetensorsFile> shards) {
        this.indexFile = indexFile;
        this.byTensor = byTensor;
        this.shards = shards;
    }

    public static ShardedSafetensors open(Path indexFile) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(indexFile));
        } catch (IOException e) {
            throw new WeightsException(indexFile + ": cannot read safetensors index: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new WeightsException(indexFile + ": safetensors index has no weight_map object");
        }
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> files = new TreeMap<>();
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            for (var it = map.fields(); it.hasNext(); ) {
                var e = it.next();
                String shardName = e.getValue().asText();
                SafetensorsFile shard = files.get(shardName);
                if (shard == null) {
                    shard = SafetensorsFile.open(dir.resolve(shardName));
                    files.put(shardName, shard);
                    opened.add(shard);
                }
                if (!shard.contains(e.getKey())) {
                    throw new WeightsException(shard.path() + ": missing tensor " + e.getKey()
                            + " (listed in " + indexFile.getFileName() + ")");
                }
                byTensor.put(e.getKey(), shard);
            }
        } catch (RuntimeException e) {
            opened.forEach(SafetensorsFile::close);
            throw e;
        }
        return new ShardedSafetensors(indexFile, Collections.unmodifiableMap(byTensor), List.copyOf(opened));
    }

    @Override
    public Optional<Tensor> find(String name) {
        SafetensorsFile f = byTensor.get(name);
        return f == null ? Optional.empty() : f.find(name);
    }

    @Override
    public Set<String> names() {
        return byTensor.keySet();
    }

    @Override
    public String origin() {
        return indexFile.toString();
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }
}
