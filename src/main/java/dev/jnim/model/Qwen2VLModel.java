package dev.jnim.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.vision.Qwen2VisionTower;
import dev.jnim.weights.WeightSource;
import java.util.List;

/**
 * Qwen2-VL ({@code Qwen2VLForConditionalGeneration}, HF {@code modeling_qwen2_vl}): the
 * dynamic-resolution vision transformer with its patch merger, and a Qwen2 text model with
 * multimodal RoPE: text tokens advance all three position axes together, image tokens take
 * (frame, row, column) of the merged grid; {@link #ropePositions} computes them as HF's
 * {@code get_rope_index}.
 */
public final class Qwen2VLModel extends TextBackedModel {

    private final Qwen2VisionTower tower;
    private final int visionStartId;
    private final int mergeSize;
    private int[][] lastGrids;

    Qwen2VLModel(ModelConfig c, WeightSource w, LoadOptions opts) {
        JsonNode root = c.json();
        DecoderConfig dec = DecoderConfig.parse(root, c.source(), true);
        if (dec.mropeSection() == null) {
            throw new ModelException(c.source() + ": Qwen2-VL needs rope_scaling.mrope_section");
        }
        super(new LlamaModel(c.architecture(), dec, w, "model.", "lm_head.weight", opts),
                root.path("image_token_id").asInt(151655), opts.pool());
        JsonNode vc = root.path("vision_config");
        this.tower = new Qwen2VisionTower(vc, w, "visual.", dec.hiddenSize());
        this.visionStartId = root.path("vision_start_token_id").asInt(151652);
        this.mergeSize = vc.path("spatial_merge_size").asInt(2);
    }


    /** Encodes with the grids given by {@link #setGrids} (the processor's {@code image_grid_thw}). */
    @Override
    public ImageFeatures encodeImages(float[] pixelValues, int numImages) {
        if (lastGrids == null || lastGrids.length != numImages) {
            throw new IllegalStateException("Qwen2-VL needs the image grids (image_grid_thw) before encoding");
        }
        Qwen2VisionTower.Output o = tower.encode(pool, pixelValues, lastGrids);
        return new ImageFeatures(o.vision(), o.projected(), o.tokens() / numImages, text.decoder().hiddenSize());
    }

    @Override
    public java.util.List<float[]> encode(java.util.List<ImageInput> images) {
        int total = 0;
        for (ImageInput i : images) {
            total += i.pixelValues().length;
        }
        float[] all = new float[total];
        int[][] grids = new int[images.size()][];
        int off = 0;
        for (int k = 0; k < images.size(); k++) {
            ImageInput i = images.get(k);
            if (i.grid() == null) {
                throw new IllegalArgumentException("a Qwen2-VL image needs its grid (t, h, w)");
            }
            System.arraycopy(i.pixelValues(), 0, all, off, i.pixelValues().length);
            off += i.pixelValues().length;
            grids[k] = i.grid();
        }
        Qwen2VisionTower.Output o = tower.encode(pool, all, grids);
        java.util.List<float[]> out = new java.util.ArrayList<>();
        int h = text.decoder().hiddenSize();
        int row = 0;
        for (int[] g : grids) {
            int rows = g[0] * g[1] * g[2] / (mergeSize * mergeSize);
            out.add(java.util.Arrays.copyOfRange(o.projected(), row * h, (row + rows) * h));
            row += rows;
        }
        return out;
    }

    @Override
    public RopePlan ropePlan(int[] prompt, java.util.List<int[]> grids) {
        RopePositions r = ropePositions(prompt, grids);
        return new RopePlan(r.positions(), r.delta());
    }

    /** The (t, h, w) patch grid of each image to encode next. */
    public void setGrids(int[][] grids) {
        this.lastGrids = grids.clone();
    }

    /**
     * Multimodal positions of a prompt, as HF's {@code get_rope_index}: {@code [3 × n]} (temporal,
     * height, width) and the delta that decode step k adds: position {@code n + k + delta}.
     */
    public record RopePositions(int[][] positions, int delta) {
    }

    public RopePositions ropePositions(int[] ids, List<int[]> grids) {
        int n = ids.length;
        int[][] pos = new int[3][n];
        int next = 0;      // next text position
        int image = 0;
        int i = 0;
        while (i < n) {
            if (ids[i] == imageTokenId && i > 0 && ids[i - 1] == visionStartId) {
                int[] g = grids.get(image++);
                int gt = g[0];
                int gh = g[1] / mergeSize;
                int gw = g[2] / mergeSize;
                int count = gt * gh * gw;
                int max = 0;
                for (int k = 0; k < count; k++) {
                    int t = k / (gh * gw);
                    int h = (k / gw) % gh;
                    int w = k % gw;
                    pos[0][i + k] = next + t;
                    pos[1][i + k] = next + h;
                    pos[2][i + k] = next + w;
                    max = Math.max(max, Math.max(t, Math.max(h, w)));
                }
                i += count;
                next += max + 1;
            } else {
                pos[0][i] = pos[1][i] = pos[2][i] = next++;
                i++;
            }
        }
        return new RopePositions(pos, next - n);
    }






}
