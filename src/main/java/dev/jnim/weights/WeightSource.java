package dev.jnim.weights;

import dev.jnim.tensor.DType;
import dev.jnim.tensor.Linear;
import dev.jnim.tensor.Matrix;
import dev.jnim.tensor.Tensor;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * Named tensors of a checkpoint (HF state-dict names). Implementations: memory-mapped safetensors
 * ({@link SafetensorsFile}, {@link ShardedSafetensors}) and in-memory random weights for benchmarks.
 */
public interface WeightSource extends AutoCloseable {

    Optional<Tensor> find(String name);

    Set<String> names();

    /** Where the tensors come from, for error messages (a file or directory path). */
    String origin();

    default boolean contains(String name) {
        return find(name).isPresent();
    }

    /** The tensor, or a {@link WeightsException} naming the tensor and the origin. */
    default Tensor get(String name) {
        return find(name).orElseThrow(() -> new WeightsException(origin() + ": missing tensor " + name));
    }

    /** The tensor with exactly this shape, else a {@link WeightsException} naming file, tensor and shapes. */
    default Tensor get(String name, long... shape) {
        Tensor t = get(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new WeightsException(origin() + ": tensor " + name + " has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(shape));
        }
        if (t.dtype().isQuantized()) {
            throw new WeightsException(origin() + ": tensor " + name + " has dtype " + t.dtype()
                    + ", expected a float dtype (F32, BF16, F16)");
        }
        return t;
    }

    /**
     * The linear layer {@code prefix.weight} {@code [out × in]} with, if {@code withBias},
     * {@code prefix.bias}; quantised to Q8_0 at load time when {@code quantize}, else BF16 weights
     * are repacked into the kernels' panel layout ({@link Matrix#packPanels}).
     */
    default Linear linear(String prefix, int out, int in, boolean withBias, boolean quantize) {
        Matrix m = Matrix.of(get(prefix + ".weight", out, in));
        m = quantize ? m.quantizeQ8_0() : m.packPanels();
        return new Linear(m, withBias ? get(prefix + ".bias", out).toFloatArray() : null);
    }

    /** The most common float dtype of the tensors (the checkpoint's precision). */
    default DType dominantDType() {
        int[] counts = new int[DType.values().length];
        for (String n : names()) {
            counts[get(n).dtype().ordinal()]++;
        }
        DType best = DType.F32;
        for (DType d : DType.values()) {
            if (counts[d.ordinal()] > counts[best.ordinal()]) {
                best = d;
            }
        }
        return best;
    }

    @Override
    void close();
}
