package dev.jnim.vision;

/** Cuts a channels-first image into non-overlapping patches, the input of a stride-p conv as a matmul. */
final class Patches {

    private Patches() {
    }

    /**
     * Writes the {@code (height/p)·(width/p)} patches of the image at {@code off} in {@code pixels}
     * ({@code [channels, height, width]}) to {@code out}, row-major over patches, each patch
     * flattened as (channel, y, x) like a conv weight {@code [out, channels, p, p]}.
     */
    static void unfold(float[] pixels, int off, int channels, int height, int width, int p, float[] out) {
        int rows = height / p;
        int cols = width / p;
        int patchLen = channels * p * p;
        for (int py = 0; py < rows; py++) {
            for (int px = 0; px < cols; px++) {
                int dst = (py * cols + px) * patchLen;
                for (int ch = 0; ch < channels; ch++) {
                    for (int y = 0; y < p; y++) {
                        System.arraycopy(pixels, off + ch * height * width + (py * p + y) * width + px * p,
                                out, dst + ch * p * p + y * p, p);
                    }
                }
            }
        }
    }
}
