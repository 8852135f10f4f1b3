package dev.jnim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.kv.BlockPool;
import dev.jnim.kv.BlockTable;
import dev.jnim.kv.ImageKvCache;
import dev.jnim.kv.KvCache;
import dev.jnim.model.CrossAttentionInputs;
import dev.jnim.model.CrossAttentionModel;
import dev.jnim.model.ForwardBatch;
import dev.jnim.model.ImageInput;
import dev.jnim.tensor.Npy;
import dev.jnim.vision.preprocess.MllamaPromptExpander;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The golden checks of a cross-attention model (Llama 3.2 Vision): vision and projected features per image,
 * the {@code cross_attention_mask} jnim derives from the prompt against the processor's, the logits of the
 * prompt, and a greedy generation through the paged text pool and the image pool (each step's logits and ids).
 */
final class GoldenCrossAttentionRunner {

    private GoldenCrossAttentionRunner() {
    }

    static List<GoldenModelRunner.Check> run(Path caseDir, JsonNode kase, CrossAttentionModel model,
                                             List<int[]> prompts, List<int[]> columns, int seqLen,
                                             Map<String, JsonNode> todo) {
        List<GoldenModelRunner.Check> checks = new ArrayList<>();
        JsonNode in = kase.path("inputs");
        Npy px = GoldenModelRunner.npy(caseDir, in.path("pixel_values"));
        long[] ratioIds = GoldenModelRunner.npy(caseDir, in.path("aspect_ratio_ids")).longs();
        long[] ratioMask = GoldenModelRunner.npy(caseDir, in.path("aspect_ratio_mask")).longs();
        long[] crossMask = GoldenModelRunner.npy(caseDir, in.path("cross_attention_mask")).longs();
        int[] sh = px.shape(); // (B, I, tiles, C, H, W)
        int batch = sh[0];
        int imagesPerRow = sh[1];
        int tiles = sh[2];
        int perImage = tiles * sh[3] * sh[4] * sh[5];
        int totalImages = batch * imagesPerRow;
        int tokens = model.imageKvLayout().tokensPerImage();
        int hidden = model.decoder().hiddenSize();
        float[] vision = null;
        float[] states = null;
        List<int[]> slotsPerRow = new ArrayList<>();
        try (ImageKvCache images = new ImageKvCache(model.imageKvLayout(), totalImages)) {
            int[] numTiles = new int[totalImages];
            for (int i = 0; i < totalImages; i++) {
                for (int t = 0; t < tiles; t++) {
                    numTiles[i] += (int) ratioMask[i * tiles + t];
                }
                ImageInput img = ImageInput.tiled(Arrays.copyOfRange(px.floats(), i * perImage, (i + 1) * perImage),
                        tiles, (int) ratioIds[i], numTiles[i], i);
                CrossAttentionModel.Encoded e = model.encode(img);
                if (vision == null) {
                    vision = new float[totalImages * e.vision().length];
                    states = new float[totalImages * e.states().length];
                }
                System.arraycopy(e.vision(), 0, vision, i * e.vision().length, e.vision().length);
                System.arraycopy(e.states(), 0, states, i * e.states().length, e.states().length);
                model.writeImageKv(e.states(), images, i);
            }
            compare(caseDir, todo, "image_features_vision", vision, checks);
            compare(caseDir, todo, "image_features_projected", states, checks);
            // jnim's cross_attention_mask from the prompt, against the processor's
            List<CrossAttentionInputs> cross = new ArrayList<>();
            long bad = 0;
            long count = 0;
            for (int b = 0; b < batch; b++) {
                int[] prompt = prompts.get(b);
                int[] slots = new int[imagesPerRow];
                for (int i = 0; i < imagesPerRow; i++) {
                    slots[i] = b * imagesPerRow + i;
                }
                long[] mine = MllamaPromptExpander.crossAttentionMask(prompt, model.imageTokenId(),
                        Arrays.copyOfRange(numTiles, b * imagesPerRow, (b + 1) * imagesPerRow), tiles);
                int[] cols = columns.get(b);
                int per = imagesPerRow * tiles;
                for (int s = 0; s < prompt.length; s++) {
                    for (int j = 0; j < per; j++) {
                        count++;
                        if (mine[s * per + j] != crossMask[(b * seqLen + cols[s]) * per + j]) {
                            bad++;
                        }
                    }
                }
                slotsPerRow.add(slots);
                cross.add(CrossAttentionInputs.of(images, slots, tiles, mine, prompt.length));
            }
            checks.add(new GoldenModelRunner.Check("cross_attention_mask", bad, Double.NaN, "exact", bad == 0,
                    (count - bad) + "/" + count + " identical"));
            int maxLen = prompts.stream().mapToInt(p -> p.length).max().orElse(0) + 16;
            int blocks = batch * ((maxLen + 15) / 16) + 1;
            try (KvCache cache = new KvCache(model.kvLayout(), blocks)) {
                BlockPool pool = new BlockPool(blocks);
                int vocab = model.vocabSize();
                JsonNode logits = todo.remove("logits");
                if (logits != null) {
                    float[] exp = GoldenModelRunner.npy(caseDir, logits).floats();
                    GoldenModelRunner.Err err = new GoldenModelRunner.Err();
                    for (int b = 0; b < batch; b++) {
                        int[] prompt = prompts.get(b);
                        BlockTable table = new BlockTable();
                        try {
                            table.ensureCapacity(prompt.length, pool);
                            ForwardBatch fb = new ForwardBatch();
                            fb.add(prompt, 0, prompt.length, 0, table.array(), ForwardBatch.Logits.ALL);
                            fb.setCrossAttention(0, cross.get(b));
                            float[] out = model.forward(fb, cache);
                            int[] cols = columns.get(b);
                            for (int i = 0; i < prompt.length; i++) {
                                err.add(out, i * vocab, exp, (b * seqLen + cols[i]) * vocab, vocab);
                            }
                        } finally {
                            table.releaseAll(pool);
                        }
                    }
                    checks.add(err.check("logits"));
                }
                JsonNode greedy = todo.remove("greedy_ids");
                JsonNode steps = todo.remove("generate_step_logits");
                if (greedy != null || steps != null) {
                    int n = greedy != null ? GoldenModelRunner.npy(caseDir, greedy).shape()[1]
                            : GoldenModelRunner.npy(caseDir, steps).shape()[0];
                    int[][] ids = new int[batch][n];
                    float[][][] stepLogits = new float[batch][n][];
                    BlockTable[] tables = new BlockTable[batch];
                    try {
                        for (int b = 0; b < batch; b++) {
                            tables[b] = new BlockTable();
                        }
                        ForwardBatch fb = new ForwardBatch();
                        for (int step = 0; step < n; step++) {
                            fb.clear();
                            for (int b = 0; b < batch; b++) {
                                int[] prompt = prompts.get(b);
                                int ctx = prompt.length + step;
                                tables[b].ensureCapacity(ctx, pool);
                                if (step == 0) {
                                    fb.add(prompt, 0, prompt.length, 0, tables[b].array(), ForwardBatch.Logits.LAST);
                                } else {
                                    fb.add(new int[] {ids[b][step - 1]}, 0, 1, ctx - 1, tables[b].array(),
                                            ForwardBatch.Logits.LAST);
                                }
                                fb.setCrossAttention(b, cross.get(b));
                            }
                            float[] out = model.forward(fb, cache);
                            for (int b = 0; b < batch; b++) {
                                stepLogits[b][step] = Arrays.copyOfRange(out, b * vocab, (b + 1) * vocab);
                                ids[b][step] = argmax(stepLogits[b][step]);
                            }
                        }
                    } finally {
                        for (BlockTable t : tables) {
                            if (t != null) {
                                t.releaseAll(pool);
                            }
                        }
                    }
                    if (steps != null) {
                        float[] exp = GoldenModelRunner.npy(caseDir, steps).floats();
                        GoldenModelRunner.Err err = new GoldenModelRunner.Err();
                        for (int step = 0; step < n; step++) {
                            for (int b = 0; b < batch; b++) {
                                err.add(stepLogits[b][step], 0, exp, (step * batch + b) * vocab, vocab);
                            }
                        }
                        checks.add(err.check("generate_step_logits"));
                    }
                    if (greedy != null) {
                        long[] exp = GoldenModelRunner.npy(caseDir, greedy).longs();
                        int match = 0;
                        for (int b = 0; b < batch; b++) {
                            for (int i = 0; i < n; i++) {
                                match += ids[b][i] == exp[b * n + i] ? 1 : 0;
                            }
                        }
                        checks.add(new GoldenModelRunner.Check("greedy_ids", match == batch * n ? 0 : 1, Double.NaN,
                                "exact", match == batch * n, match + "/" + batch * n + " identical"));
                    }
                }
                if (pool.freeCount() != pool.capacity()) {
                    throw new IllegalStateException("KV blocks leaked by the golden run");
                }
            }
        }
        return checks;
    }

    /** Greedy choice as {@code torch.argmax}: the first maximum. */
    private static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }

    private static void compare(Path caseDir, Map<String, JsonNode> todo, String name, float[] got,
                                List<GoldenModelRunner.Check> checks) {
        JsonNode e = todo.remove(name);
        if (e != null) {
            GoldenModelRunner.Err err = new GoldenModelRunner.Err();
            err.addAll(got, GoldenModelRunner.npy(caseDir, e).floats());
            checks.add(err.check(name));
        }
    }
}
