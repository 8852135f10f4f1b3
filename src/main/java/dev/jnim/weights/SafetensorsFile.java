package dev.jnim.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.tensor.DType;
import dev.jnim.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One memory-mapped {@code .safetensors} file: an 8-byte little-endian header length N, N bytes of
 * JSON ({@code name -> {dtype, shape, data_offsets}}), then the raw little-endian data. Tensors
 * are slices of the mapping; nothing is copied to the heap.
 *
 * <p>Thread-safe after construction (immutable map of read-only segments).
 */
public final class SafetensorsFile implements WeightSource {

    private static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final Arena arena;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Maps and validates {@code path}; any problem is a {@link WeightsException} naming the file. */
    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new WeightsException(path + ": truncated safetensors file (" + size + " bytes, no header)");
            }
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLen = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > size - 8) {
                throw new WeightsException(path + ": bad safetensors header length " + headerLen
                        + " (file has " + size + " bytes)");
            }
            byte[] header = all.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
            JsonNode root;
            try {
                root = JSON.readTree(header);
            } catch (IOException e) {
                throw new WeightsException(path + ": safetensors header is not valid JSON: " + e.getMessage(), e);
            }
            if (root == null || !root.isObject()) {
                throw new WeightsException(path + ": safetensors header is not a JSON object");
            }
            MemorySegment data = all.asSlice(8 + headerLen);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(e.getKey(), parseTensor(path, e.getKey(), e.getValue(), data));
            }
            return new SafetensorsFile(path, arena, Collections.unmodifiableMap(tensors), Map.copyOf(metadata));
        } catch (IOException e) {
            arena.close();
            throw new WeightsException(path + ": cannot read safetensors file: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Tensor parseTensor(Path path, String name, JsonNode info, MemorySegment data) {
        String where = path + ": tensor " + name;
        JsonNode dtypeNode = info.get("dtype");
        JsonNode shapeNode = info.get("shape");
        JsonNode offsets = info.get("data_offsets");
        if (dtypeNode == null || shapeNode == null || !shapeNode.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new WeightsException(where + ": header entry lacks dtype, shape or data_offsets");
        }
        DType dtype;
        try {
            dtype = DType.fromSafetensors(dtypeNode.asText());
        } catch (IllegalArgumentException e) {
            throw new WeightsException(where + ": " + e.getMessage());
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new WeightsException(where + ": negative or non-numeric dimension in shape " + shapeNode);
            }
            count = Math.multiplyExact(count, shape[i]);
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        long expected = count * dtype.elementBytes();
        if (begin < 0 || end < begin) {
            throw new WeightsException(where + ": bad data_offsets " + offsets);
        }
        if (end - begin != expected) {
            throw new WeightsException(where + ": data_offsets span " + (end - begin) + " bytes but "
                    + dtype + " " + shapeNode + " needs " + expected);
        }
        if (end > data.byteSize()) {
            throw new WeightsException(where + ": data ends at byte " + end + " but the file's data block has only "
                    + data.byteSize() + " bytes (truncated file?)");
        }
        return new Tensor(name, dtype, shape, data.asSlice(begin, end - begin));
    }

    public Path path() {
        return path;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public Optional<Tensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public String origin() {
        return path.toString();
    }

    @Override
    public void close() {
        arena.close();
    }
}
