package dev.jnim.cache;

import dev.jnim.config.Settings;
import dev.jnim.manifest.ModelEntry;
import dev.jnim.manifest.Profile;
import dev.jnim.manifest.ProfileFile;
import dev.jnim.manifest.ProfileIds;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;

/** Builders shared by the cache tests. */
final class CacheTestSupport {

    static final ProgressListener QUIET = new ProgressListener() {
        @Override
        public void started(String name, long offset, long total) {}

        @Override
        public void advanced(String name, long done, long total) {}

        @Override
        public void finished(String name, long total) {}
    };

    private CacheTestSupport() {}

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static ProfileFile file(String uri) {
        return new ProfileFile(uri, uri.substring(uri.indexOf("?file=") + 6), Optional.empty(), OptionalLong.empty());
    }

    static ModelEntry model(String name, String rev, ProfileFile... files) {
        Map<String, String> tags = Map.of("llm_engine", "jnim", "precision", "bf16", "device", "cpu");
        Profile p = new Profile(ProfileIds.compute(name, "cpu-bf16", tags, List.of(files)), "cpu-bf16", name, tags, List.of(files));
        return new ModelEntry(name, "", rev, Optional.empty(), List.of(p));
    }

    static Settings settings(FakeHub hub, String... kv) {
        Map<String, String> env = new HashMap<>();
        env.put("HF_ENDPOINT", hub.hubUrl());
        env.put("NGC_ENDPOINT", hub.hubUrl());
        env.put("NGC_AUTH_ENDPOINT", hub.hubUrl() + "/token");
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return Settings.fromEnv(env);
    }

    static ModelCache cache(Path root, Settings s) {
        return new ModelCache(new CacheRoot(root, true), ModelCache.defaultClient(), s.sources(), QUIET);
    }
}
