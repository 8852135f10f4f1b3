package dev.jnim.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The files of a Hugging Face repository that jnim needs, for {@code NIM_MODEL_NAME=hf://...} repos
 * the manifest lacks. Asks {@code GET {HF_ENDPOINT}/api/models/{repo}/revision/{revision}} (the hub
 * API {@code huggingface_hub.model_info} uses; its {@code siblings[].rfilename} list the files) and
 * keeps top-level configuration, tokenizer, licence and safetensors files. The listing is saved as
 * {@code refs/{revision}.files} in the repository's cache folder so a later start needs no network.
 */
final class HubListing {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final Settings.Sources sources;

    HubListing(HttpClient client, Settings.Sources sources) {
        this.client = client;
        this.sources = sources;
    }

    List<String> files(String repo, String revision, Path repoDir) throws InterruptedException {
        Path saved = repoDir.resolve("refs").resolve(ModelCache.folder(revision) + ".files");
        try {
            if (Files.isRegularFile(saved)) {
                return Files.readAllLines(saved).stream().filter(l -> !l.isBlank()).toList();
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sources.hfEndpoint() + "/api/models/" + repo + "/revision/"
                    + URLEncoder.encode(revision, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(60)).GET();
            sources.hfToken().reveal().ifPresent(t -> b.header("Authorization", "Bearer " + t));
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String what = "hf://" + repo + ":" + revision;
            switch (r.statusCode()) {
                case 200 -> { }
                case 401 -> throw new CacheException("401 Unauthorized listing " + what + ": the repository is gated or private; "
                        + (sources.hfToken().isPresent() ? "HF_TOKEN was rejected" : "set HF_TOKEN"));
                case 403 -> throw new CacheException("403 Forbidden listing " + what + ": request access at " + sources.hfEndpoint() + "/" + repo);
                case 404 -> throw new CacheException("404 Not Found: repository " + what + " does not exist (check the name and revision)");
                default -> throw new CacheException("HTTP " + r.statusCode() + " listing " + what);
            }
            List<String> files = new ArrayList<>();
            for (JsonNode s : JSON.readTree(r.body()).path("siblings")) {
                String name = s.path("rfilename").asText();
                if (wanted(name)) {
                    files.add(name);
                }
            }
            if (files.stream().noneMatch(f -> f.endsWith(".safetensors"))) {
                throw new CacheException(what + " has no top-level .safetensors weights; jnim reads safetensors checkpoints only");
            }
            Files.createDirectories(saved.getParent());
            Path tmp = saved.resolveSibling(saved.getFileName() + ".tmp");
            Files.write(tmp, files);
            Files.move(tmp, saved, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return files;
        } catch (java.net.ConnectException e) {
            throw new CacheException("cannot reach " + sources.hfEndpoint() + " to list hf://" + repo + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "); a repository not yet in the cache needs network access", e);
        } catch (IOException e) {
            throw new CacheException("cannot list hf://" + repo + ": " + e, e);
        }
    }

    static boolean wanted(String name) {
        if (name.contains("/")) {
            return false; // sub-folders hold other formats (onnx/, original/ ...)
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".json") || lower.endsWith(".safetensors") || lower.endsWith(".txt") || lower.endsWith(".model")
                || lower.endsWith(".jinja") || lower.endsWith(".tiktoken") || lower.startsWith("license");
    }
}
