package dev.jnim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.engine.Generator;
import dev.jnim.engine.SamplingParams;
import dev.jnim.kv.BlockPool;
import dev.jnim.kv.BlockTable;
import dev.jnim.kv.KvCache;
import dev.jnim.kv.KvLayout;
import dev.jnim.model.CausalLM;
import dev.jnim.model.ForwardBatch;
import dev.jnim.model.LoadOptions;
import dev.jnim.model.ModelConfig;
import dev.jnim.model.ModelRegistry;
import dev.jnim.model.Qwen2VLModel;
import dev.jnim.model.VisionLanguageModel;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.Npy;
import dev.jnim.weights.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one golden model case (the format of the golden fixtures' README: {@code case.json},
 * {@code config.json}, safetensors weights, {@code inputs/*.npy}, {@code expected/*.npy}) through
 * jnim and compares every expected array with the reference's tolerance
 * {@code |a − e| ≤ atol + rtol·|e|} on unpadded positions.
 */
final class GoldenModelRunner {

    static final double ATOL = 1e-4;
    static final double RTOL = 1e-4;

    /** The comparison of one expected array. */
    record Check(String name, double maxAbs, double maxRel, String tolerance, boolean pass, String detail) {
    }

    /** Result of a case: {@code unsupported} is set (and checks empty) when the architecture is unknown. */
    record Report(String caseName, String architecture, String weights, List<Check> checks, String unsupported) {
        boolean passed() {
            return unsupported == null && !checks.isEmpty() && checks.stream().allMatch(Check::pass);
        }
    }

    private GoldenModelRunner() {
    }

    static Report run(Path caseDir, boolean bf16, ComputePool pool) throws IOException {
        JsonNode kase = new ObjectMapper().readTree(caseDir.resolve("case.json").toFile());
        String name = kase.path("name").asText(caseDir.getFileName().toString());
        ModelConfig config = ModelConfig.load(caseDir);
        String weightsLabel = bf16 ? "bf16" : "f32";
        if (!ModelRegistry.supports(config.architecture())) {
            return new Report(name, config.architecture(), weightsLabel, List.of(),
                    "unsupported architecture: " + config.architecture() + " (supported: "
                            + String.join(", ", ModelRegistry.supported()) + ")");
        }
        JsonNode files = kase.path("files");
        String weightsFile = bf16 ? files.path("weights_bf16").asText("") : files.path("weights_f32").asText("model.safetensors");
        JsonNode expected = bf16 ? kase.path("expected_bf16_weights") : kase.path("expected");
        if (bf16 && (weightsFile.isEmpty() || expected.isMissingNode())) {
            throw new IOException(caseDir + ": case has no bf16 weights or expected_bf16 arrays");
        }
        long[] ids = npy(caseDir, kase.path("inputs").path("input_ids")).longs();
        Npy idsNpy = npy(caseDir, kase.path("inputs").path("input_ids"));
        int batch = idsNpy.shape()[0];
        int seqLen = idsNpy.shape()[1];
        long[] mask = kase.path("inputs").has("attention_mask")
                ? npy(caseDir, kase.path("inputs").path("attention_mask")).longs() : null;
        List<int[]> prompts = new ArrayList<>();
        List<int[]> columns = new ArrayList<>(); // which columns of the padded row are real tokens
        for (int b = 0; b < batch; b++) {
            List<Integer> cols = new ArrayList<>();
            for (int s = 0; s < seqLen; s++) {
                if (mask == null || mask[b * seqLen + s] == 1) {
                    cols.add(s);
                }
            }
            int[] prompt = new int[cols.size()];
            int[] colArr = new int[cols.size()];
            for (int i = 0; i < prompt.length; i++) {
                colArr[i] = cols.get(i);
                prompt[i] = Math.toIntExact(ids[b * seqLen + colArr[i]]);
            }
            prompts.add(prompt);
            columns.add(colArr);
        }
        Map<String, JsonNode> todo = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().has("file")) {
                todo.put(e.getKey(), e.getValue());
            }
        }
        List<Check> checks = new ArrayList<>();
        try (CausalLM model = ModelRegistry.load(config, SafetensorsFile.open(caseDir.resolve(weightsFile)),
                LoadOptions.of(pool))) {
            if (model instanceof dev.jnim.model.CrossAttentionModel cam) {
                checks.addAll(GoldenCrossAttentionRunner.run(caseDir, kase, cam, prompts, columns, seqLen, todo));
                for (String rest : todo.keySet()) {
                    checks.add(new Check(rest, Double.NaN, Double.NaN, "-", false,
                            "no check for this array in architecture " + config.architecture()));
                }
                return new Report(name, config.architecture(), weightsLabel, checks, null);
            }
            int vocab = model.vocabSize();
            int maxLen = prompts.stream().mapToInt(p -> p.length).max().orElse(0) + 16;
            int blocks = batch * ((maxLen + KvLayout.BLOCK_SIZE - 1) / KvLayout.BLOCK_SIZE) + 1;
            List<Generator.PromptEmbeddings> embeddings = null;
            if (model instanceof VisionLanguageModel vlm) {
                embeddings = imageEmbeddings(caseDir, kase, vlm, prompts, todo, checks);
            }
            try (KvCache cache = new KvCache(model.kvLayout(), blocks)) {
                BlockPool blockPool = new BlockPool(blocks);
                if (todo.containsKey("logits")) {
                    float[] exp = npy(caseDir, todo.remove("logits")).floats();
                    checks.add(compareLogits(model, cache, blockPool, prompts, columns, exp, seqLen, vocab, embeddings));
                }
                JsonNode greedy = todo.remove("greedy_ids");
                JsonNode steps = todo.remove("generate_step_logits");
                if (greedy != null || steps != null) {
                    int n = greedy != null ? npy(caseDir, greedy).shape()[1] : npy(caseDir, steps).shape()[0];
                    List<Generator.Generation> gens = new Generator(model, cache, blockPool)
                            .generate(prompts, Collections.nCopies(batch, SamplingParams.GREEDY), n, true, embeddings);
                    if (steps != null) {
                        checks.add(compareSteps(npy(caseDir, steps).floats(), gens, batch, n, vocab));
                    }
                    if (greedy != null) {
                        checks.add(compareGreedy(npy(caseDir, greedy).longs(), gens, n));
                    }
                }
                if (blockPool.freeCount() != blockPool.capacity()) {
                    throw new IllegalStateException("KV blocks leaked by the golden run");
                }
            }
        }
        for (String rest : todo.keySet()) {
            checks.add(new Check(rest, Double.NaN, Double.NaN, "-", false,
                    "no check for this array in architecture " + config.architecture()));
        }
        return new Report(name, config.architecture(), weightsLabel, checks, null);
    }

    /**
     * Encodes the case's {@code pixel_values}, checks the tower and connector outputs when the case
     * has them, and returns for each prompt the feature rows that replace its image tokens.
     */
    private static List<Generator.PromptEmbeddings> imageEmbeddings(Path caseDir, JsonNode kase,
            VisionLanguageModel vlm, List<int[]> prompts, Map<String, JsonNode> todo, List<Check> checks) {
        Npy px = npy(caseDir, kase.path("inputs").path("pixel_values"));
        int[] sh = px.shape();
        int images;
        List<int[]> grids = new ArrayList<>();
        if (vlm instanceof Qwen2VLModel qwen) {
            long[] g = npy(caseDir, kase.path("inputs").path("image_grid_thw")).longs();
            for (int i = 0; i < g.length; i += 3) {
                grids.add(new int[] {(int) g[i], (int) g[i + 1], (int) g[i + 2]});
            }
            images = grids.size();
            qwen.setGrids(grids.toArray(new int[0][]));
        } else {
            int perImage = sh[sh.length - 1] * sh[sh.length - 2] * sh[sh.length - 3];
            images = px.floats().length / perImage;
        }
        VisionLanguageModel.ImageFeatures f = vlm.encodeImages(px.floats(), images);
        JsonNode vision = todo.remove("image_features_vision");
        if (vision != null) {
            Err e = new Err();
            float[] exp = npy(caseDir, vision).floats();
            e.addAll(f.vision(), exp);
            checks.add(e.check("image_features_vision"));
        }
        JsonNode projected = todo.remove("image_features_projected");
        if (projected != null) {
            Err e = new Err();
            e.addAll(f.projected(), npy(caseDir, projected).floats());
            checks.add(e.check("image_features_projected"));
        }
        List<Generator.PromptEmbeddings> out = new ArrayList<>();
        List<Qwen2VLModel.RopePositions> rope = new ArrayList<>();
        if (vlm instanceof Qwen2VLModel qwen) {
            int gi = 0;
            for (int[] prompt : prompts) {
                int count = 0;
                for (int t = 1; t < prompt.length; t++) {
                    if (prompt[t] == vlm.imageTokenId() && prompt[t - 1] != vlm.imageTokenId()) {
                        count++;
                    }
                }
                rope.add(qwen.ropePositions(prompt, grids.subList(gi, gi + count)));
                gi += count;
            }
            checkRope(caseDir, todo, checks, rope, prompts);
        }
        int next = 0;
        for (int b = 0; b < prompts.size(); b++) {
            int[] prompt = prompts.get(b);
            List<Integer> pos = new ArrayList<>();
            for (int i = 0; i < prompt.length; i++) {
                if (prompt[i] == vlm.imageTokenId()) {
                    pos.add(i);
                }
            }
            int h = f.hidden();
            float[] rows = java.util.Arrays.copyOfRange(f.projected(), next * h, (next + pos.size()) * h);
            next += pos.size();
            int[] positions = pos.stream().mapToInt(Integer::intValue).toArray();
            out.add(rope.isEmpty() ? new Generator.PromptEmbeddings(positions, rows, h)
                    : new Generator.PromptEmbeddings(positions, rows, h, rope.get(b).positions(), rope.get(b).delta()));
        }
        if (next * f.hidden() != f.projected().length) {
            throw new IllegalStateException("the prompts hold " + next + " image tokens but the images give "
                    + f.projected().length / f.hidden() + " feature rows");
        }
        return out;
    }

    /** Checks M-RoPE positions and deltas exactly (only unpadded, single-prompt layouts are compared). */
    private static void checkRope(Path caseDir, Map<String, JsonNode> todo, List<Check> checks,
                                  List<Qwen2VLModel.RopePositions> rope, List<int[]> prompts) {
        JsonNode pos = todo.remove("mrope_position_ids");
        JsonNode deltas = todo.remove("rope_deltas");
        int batch = prompts.size();
        if (pos != null) {
            Npy e = npy(caseDir, pos);
            int seq = e.shape()[2];
            long bad = 0;
            long count = 0;
            for (int b = 0; b < batch; b++) {
                int n = prompts.get(b).length;
                int pad = seq - n; // left padding
                for (int axis = 0; axis < 3; axis++) {
                    for (int i = 0; i < n; i++) {
                        count++;
                        if (e.longs()[(axis * batch + b) * seq + pad + i] != rope.get(b).positions()[axis][i]) {
                            bad++;
                        }
                    }
                }
            }
            checks.add(new Check("mrope_position_ids", bad, Double.NaN, "exact", bad == 0,
                    (count - bad) + "/" + count + " identical"));
        }
        if (deltas != null) {
            long[] e = npy(caseDir, deltas).longs();
            int bad = 0;
            for (int b = 0; b < batch; b++) {
                int pad = npy(caseDir, pos).shape()[2] - prompts.get(b).length;
                if (e[b] != rope.get(b).delta() - pad) {
                    bad++;
                }
            }
            checks.add(new Check("rope_deltas", bad, Double.NaN, "exact", bad == 0, (batch - bad) + "/" + batch + " identical"));
        }
    }

    private static Check compareLogits(CausalLM model, KvCache cache, BlockPool pool, List<int[]> prompts,
                                       List<int[]> columns, float[] expected, int seqLen, int vocab,
                                       List<Generator.PromptEmbeddings> embeddings) {
        Err err = new Err();
        for (int b = 0; b < prompts.size(); b++) {
            int[] prompt = prompts.get(b);
            BlockTable table = new BlockTable();
            try {
                if (!table.ensureCapacity(prompt.length, pool)) {
                    throw new IllegalStateException("KV cache too small for the golden prompt");
                }
                ForwardBatch fb = new ForwardBatch();
                fb.add(prompt, 0, prompt.length, 0, table.array(), ForwardBatch.Logits.ALL);
                Generator.PromptEmbeddings pe = embeddings == null ? null : embeddings.get(b);
                if (pe != null) {
                    for (int k = 0; k < pe.positions().length; k++) {
                        fb.setEmbedding(pe.positions()[k], pe.rows(), k * pe.hidden());
                    }
                    if (pe.rope() != null) {
                        for (int k = 0; k < prompt.length; k++) {
                            fb.setRopePositions(k, pe.rope()[0][k], pe.rope()[1][k], pe.rope()[2][k]);
                        }
                    }
                }
                float[] logits = model.forward(fb, cache);
                int[] cols = columns.get(b);
                for (int i = 0; i < prompt.length; i++) {
                    int e = (b * seqLen + cols[i]) * vocab;
                    err.add(logits, i * vocab, expected, e, vocab);
                }
            } finally {
                table.releaseAll(pool);
            }
        }
        return err.check("logits");
    }

    private static Check compareSteps(float[] expected, List<Generator.Generation> gens, int batch, int n, int vocab) {
        Err err = new Err();
        for (int step = 0; step < n; step++) {
            for (int b = 0; b < batch; b++) {
                err.add(gens.get(b).stepLogits()[step], 0, expected, (step * batch + b) * vocab, vocab);
            }
        }
        return err.check("generate_step_logits");
    }

    private static Check compareGreedy(long[] expected, List<Generator.Generation> gens, int n) {
        int match = 0;
        int total = 0;
        StringBuilder firstDiff = new StringBuilder();
        for (int b = 0; b < gens.size(); b++) {
            int[] got = gens.get(b).tokens();
            for (int i = 0; i < n; i++) {
                total++;
                if (got[i] == expected[b * n + i]) {
                    match++;
                } else if (firstDiff.isEmpty()) {
                    firstDiff.append(" first difference: row ").append(b).append(" step ").append(i)
                            .append(" expected ").append(expected[b * n + i]).append(" got ").append(got[i]);
                }
            }
        }
        return new Check("greedy_ids", match == total ? 0 : 1, Double.NaN, "exact", match == total,
                match + "/" + total + " identical" + firstDiff);
    }

    static Npy npy(Path caseDir, JsonNode entry) {
        try {
            return Npy.read(caseDir.resolve(entry.path("file").asText()));
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Running error statistics against the tolerance. */
    static final class Err {
        double maxAbs;
        double maxRel;
        long bad;
        long count;

        void add(float[] got, int gOff, float[] exp, int eOff, int n) {
            for (int i = 0; i < n; i++) {
                double e = exp[eOff + i];
                double d = Math.abs(got[gOff + i] - e);
                if (!(d <= ATOL + RTOL * Math.abs(e))) {
                    bad++;
                }
                maxAbs = Math.max(maxAbs, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
                if (e != 0) {
                    maxRel = Math.max(maxRel, d / Math.abs(e));
                }
                count++;
            }
        }

        void addAll(float[] got, float[] exp) {
            if (got.length != exp.length) {
                bad++;
                count++;
                return;
            }
            add(got, 0, exp, 0, exp.length);
        }

        Check check(String name) {
            return new Check(name, maxAbs, maxRel, "|a-e| <= " + ATOL + " + " + RTOL + "*|e|", bad == 0 && count > 0,
                    bad == 0 ? count + " values" : bad + " of " + count + " values outside tolerance");
        }
    }
}
