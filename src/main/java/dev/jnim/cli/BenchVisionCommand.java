package dev.jnim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.DType;
import dev.jnim.vision.SiglipVisionTower;
import dev.jnim.vision.VisionConfig;
import dev.jnim.weights.InMemoryWeights;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jnim bench vision}: time of a SigLIP-style vision tower with random weights (by default
 * SigLIP-B/16 at 512×512: 12 layers, hidden 768, 1,024 patches) at several batch sizes.
 */
@Command(name = "vision", mixinStandardHelpOptions = true,
        description = "Vision encoder time per batch for a random SigLIP-B/16-shaped tower.")
final class BenchVisionCommand implements Callable<Integer> {

    @Option(names = "--image-size", defaultValue = "512", description = "Default: ${DEFAULT-VALUE}.")
    int imageSize;

    @Option(names = "--batches", split = ",", defaultValue = "1,4", description = "Default: ${DEFAULT-VALUE}.")
    int[] batches;

    @Option(names = "--runs", defaultValue = "3", description = "Runs per figure (median). Default: ${DEFAULT-VALUE}.")
    int runs;

    @Override
    public Integer call() throws Exception {
        int d = 768;
        int layers = 12;
        int p = 16;
        VisionConfig cfg = VisionConfig.parse(new ObjectMapper().readTree("{\"hidden_size\":768,\"intermediate_size\":3072,"
                + "\"num_hidden_layers\":12,\"num_attention_heads\":12,\"patch_size\":16,\"image_size\":" + imageSize + "}"),
                "siglip");
        SplittableRandom rng = new SplittableRandom(1);
        try (InMemoryWeights w = new InMemoryWeights("random siglip-b/16");
             ComputePool pool = ComputePool.forAvailableProcessors()) {
            w.addRandom("embeddings.patch_embedding.weight", DType.BF16, 0, 0.02, rng, d, 3, p, p);
            w.addRandom("embeddings.patch_embedding.bias", DType.F32, 0, 0.02, rng, d);
            w.addRandom("embeddings.position_embedding.weight", DType.F32, 0, 0.02, rng, cfg.numPatches(), d);
            for (int l = 0; l < layers; l++) {
                String pre = "encoder.layers." + l + ".";
                for (String n : new String[] {"layer_norm1", "layer_norm2"}) {
                    w.addRandom(pre + n + ".weight", DType.F32, 1, 0.1, rng, d);
                    w.addRandom(pre + n + ".bias", DType.F32, 0, 0.05, rng, d);
                }
                for (String n : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                    w.addRandom(pre + "self_attn." + n + ".weight", DType.BF16, 0, 0.036, rng, d, d);
                    w.addRandom(pre + "self_attn." + n + ".bias", DType.F32, 0, 0.05, rng, d);
                }
                w.addRandom(pre + "mlp.fc1.weight", DType.BF16, 0, 0.036, rng, 3072, d);
                w.addRandom(pre + "mlp.fc1.bias", DType.F32, 0, 0.05, rng, 3072);
                w.addRandom(pre + "mlp.fc2.weight", DType.BF16, 0, 0.02, rng, d, 3072);
                w.addRandom(pre + "mlp.fc2.bias", DType.F32, 0, 0.05, rng, d);
            }
            w.addRandom("post_layernorm.weight", DType.F32, 1, 0.1, rng, d);
            w.addRandom("post_layernorm.bias", DType.F32, 0, 0.05, rng, d);
            SiglipVisionTower tower = new SiglipVisionTower(cfg, w, "");
            System.out.printf("SigLIP-B/16 (%d layers, hidden %d, %d patches, BF16 weights), %d compute threads%n", layers,
                    d, cfg.numPatches(), pool.threads());
            for (int b : batches) {
                float[] pixels = new float[b * 3 * imageSize * imageSize];
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = (float) (rng.nextDouble() * 2 - 1);
                }
                tower.encode(pool, pixels, b); // warm-up
                double[] ms = new double[runs];
                for (int r = 0; r < runs; r++) {
                    long t0 = System.nanoTime();
                    tower.encode(pool, pixels, b);
                    ms[r] = (System.nanoTime() - t0) / 1e6;
                }
                double med = BenchSupport.median(ms);
                System.out.printf("  batch %d: %.0f ms (%.0f ms per image)%n", b, med, med / b);
            }
        }
        return 0;
    }
}
