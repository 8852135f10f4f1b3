package dev.jnim.tensor;

/**
 * Element types of weights and activations. Float types are stored element by element; the
 * quantised types (as in GGML) store blocks of {@link #BLOCK} values with one scale per block.
 */
public enum DType {
    F32(4),
    BF16(2),
    F16(2),
    /** Blocks of 32 signed 8-bit values with one float scale: value = scale * q (made at load time). */
    Q8_0(1);

    /** Values per quantisation block. */
    public static final int BLOCK = 32;

    private final int elementBytes;

    DType(int elementBytes) {
        this.elementBytes = elementBytes;
    }

    /** Bytes of one element for the float types; bytes per quant for Q8_0 (scales are stored apart). */
    public int elementBytes() {
        return elementBytes;
    }

    public boolean isQuantized() {
        return this == Q8_0;
    }

    /** Parses a safetensors dtype name ("F32", "BF16", "F16"). */
    public static DType fromSafetensors(String name) {
        return switch (name) {
            case "F32" -> F32;
            case "BF16" -> BF16;
            case "F16" -> F16;
            default -> throw new IllegalArgumentException("unsupported safetensors dtype " + name
                    + " (supported: F32, BF16, F16)");
        };
    }

    /** Parses a user-facing precision name ("f32", "bf16", "f16", "q8_0"), case-insensitive. */
    public static DType parse(String name) {
        for (DType t : values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "' (accepted: f32, bf16, f16, q8_0)");
    }
}
