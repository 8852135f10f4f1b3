package dev.jnim.cache;

import dev.jnim.manifest.ModelEntry;
import java.nio.file.Path;
import java.util.Map;

/**
 * A second process for {@link ConcurrentDownloadTest}: downloads one file into the cache at
 * {@code args[0]} from the fake hub at {@code args[1]} and prints the model directory.
 */
public final class CacheChild {

    public static void main(String[] args) throws Exception {
        var settings = dev.jnim.config.Settings.fromEnv(Map.of("HF_ENDPOINT", args[1]));
        ModelEntry model = CacheTestSupport.model(ConcurrentDownloadTest.REPO, "main",
                CacheTestSupport.file("hf://" + ConcurrentDownloadTest.REPO + ":main?file=model.safetensors"));
        var cache = new ModelCache(new CacheRoot(Path.of(args[0]), true), ModelCache.defaultClient(), settings.sources(),
                CacheTestSupport.QUIET);
        System.out.println("DIR " + cache.ensure(model, model.profiles().getFirst()));
    }
}
