package dev.jnim.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.config.Settings;
import dev.jnim.manifest.Manifest;
import dev.jnim.manifest.ManifestLoader;
import dev.jnim.manifest.ModelEntry;
import dev.jnim.manifest.Profile;
import dev.jnim.manifest.ProfileFile;
import dev.jnim.manifest.ProfileIds;
import dev.jnim.manifest.ProfilePolicy;
import dev.jnim.manifest.ProfileSelection;
import dev.jnim.manifest.ProfileSelectionException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code NIM_MODEL_NAME} and {@code NIM_MODEL_PROFILE} into a {@link ResolvedModel}: finds the
 * model ({@link #chooseModel()}), selects its profile ({@link ProfilePolicy}), and makes its files
 * present ({@link ModelCache#ensure}). This is the one call the server makes at startup.
 *
 * <p>Models the manifest lacks are synthesized: a Hugging Face repository gets profiles
 * {@code cpu-native} (the checkpoint's own dtype) and {@code cpu-q8_0} over the files the hub lists;
 * a local directory gets one profile {@code local-<dtype>} (dtype from its {@code config.json}) and is
 * served in place, never copied. NGC models must be described in a manifest, because jnim does not
 * know an NGC API that lists a model version's files.
 */
public final class ModelResolver {

    /** The embedded default model's manifest name. */
    public static final String DEFAULT_MODEL = "jnim/demo-vlm";

    private static final Logger LOG = LoggerFactory.getLogger(ModelResolver.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final Manifest manifest;
    private final ProfilePolicy policy;
    private final ModelCache cache;
    private final HubListing listing;

    public ModelResolver(Settings settings, Manifest manifest, ProfilePolicy policy, ModelCache cache, HttpClient client) {
        this.settings = settings;
        this.manifest = manifest;
        this.policy = policy;
        this.cache = cache;
        this.listing = new HubListing(client, settings.sources());
    }

    /**
     * The usual wiring: the manifest of {@code settings} ({@link ManifestLoader#load(Settings)}), the cache at
     * {@code NIM_CACHE_PATH} (with its per-user fallback) and a default HTTP client.
     */
    public static ModelResolver create(Settings settings, ProfilePolicy policy, ProgressListener progress) {
        HttpClient client = ModelCache.defaultClient();
        return new ModelResolver(settings, ManifestLoader.load(settings), policy, ModelCache.open(settings, client, progress), client);
    }

    public Manifest manifest() {
        return manifest;
    }

    public ModelCache cache() {
        return cache;
    }

    /** The server's startup entry point: model, profile (logged as NIM does), files on disk. */
    public ResolvedModel resolve() throws InterruptedException {
        ModelRef ref = ModelRef.parse(settings.model().modelName());
        ModelEntry model = chooseModel(ref);
        ProfileSelection selection = select(model);
        Path dir = ref instanceof ModelRef.LocalDir local ? local.dir().toAbsolutePath().normalize()
                : cache.ensure(model, selection.profile());
        List<String> served = settings.server().servedModelNames().isEmpty() ? List.of(model.name())
                : settings.server().servedModelNames();
        return new ResolvedModel(model, selection, dir, served, settings.model().modelName().orElse(model.name()));
    }

    /** Selects the profile of {@code model} from {@code NIM_MODEL_PROFILE} and the hardware. */
    public ProfileSelection select(ModelEntry model) {
        return policy.select(model);
    }

    /** The model {@code NIM_MODEL_NAME} names, without selecting a profile or downloading weights. */
    public ModelEntry chooseModel() throws InterruptedException {
        return chooseModel(ModelRef.parse(settings.model().modelName()));
    }

    private ModelEntry chooseModel(ModelRef ref) throws InterruptedException {
        return switch (ref) {
            case ModelRef.Default d -> defaultModel();
            case ModelRef.ManifestName n -> manifest.model(n.name()).orElseThrow(() -> new ProfileSelectionException(
                    "NIM_MODEL_NAME='" + n.name() + "' is not a model of the manifest (" + manifest.source() + "); known models: "
                            + String.join(", ", manifest.models().stream().map(ModelEntry::name).toList())
                            + "; or use hf://org/name[:revision], ngc://org/team/model:version or a directory path"));
            case ModelRef.HfRepo h -> {
                Optional<ModelEntry> known = manifest.model(h.repo())
                        .filter(m -> h.revision().isEmpty() || h.revision().get().equals(m.revision()));
                yield known.isPresent() ? known.get() : hfModel(h.repo(), h.revision().orElse("main"));
            }
            case ModelRef.NgcModel n -> manifest.model(n.name()).filter(m -> m.revision().equals(n.version()))
                    .orElseThrow(() -> new ProfileSelectionException("NIM_MODEL_NAME='ngc://" + n.name() + ":" + n.version()
                            + "' is not in the manifest (" + manifest.source() + "); describe it in a manifest given by "
                            + "NIM_MANIFEST_PATH, with one ngc://" + n.name() + ":" + n.version() + "?file=... entry per file"));
            case ModelRef.LocalDir l -> localModel(l.dir());
        };
    }

    /** {@code jnim/demo-vlm}, or the model owning a profile id given in NIM_MODEL_PROFILE, or the first model. */
    private ModelEntry defaultModel() {
        Optional<String> wanted = settings.model().modelProfile().filter(ProfileIds::isId);
        if (wanted.isPresent()) {
            Optional<Profile> p = manifest.profileById(wanted.get());
            if (p.isPresent()) {
                return manifest.model(p.get().model()).orElseThrow();
            }
        }
        return manifest.model(DEFAULT_MODEL).orElseGet(() -> manifest.models().getFirst());
    }

    private ModelEntry hfModel(String repo, String revision) throws InterruptedException {
        LOG.info("Model hf://{}:{} is not in the manifest; using the files the hub lists", repo, revision);
        List<ProfileFile> files = listing.files(repo, revision, cache.repoDir(repo)).stream()
                .map(f -> new ProfileFile("hf://" + repo + ":" + revision + "?file=" + f, f, Optional.empty(), OptionalLong.empty()))
                .toList();
        return new ModelEntry(repo, "Hugging Face repository " + repo, revision, Optional.empty(),
                List.of(profile(repo, "cpu-native", "native", files), profile(repo, "cpu-q8_0", "q8_0", files)));
    }

    private ModelEntry localModel(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs) || !Files.isRegularFile(abs.resolve("config.json"))) {
            throw new CacheException("NIM_MODEL_NAME='" + dir + "' is not a model directory (it needs at least a config.json)");
        }
        String dtype = dtype(abs.resolve("config.json"));
        List<ProfileFile> files;
        try (Stream<Path> s = Files.list(abs)) {
            files = s.filter(Files::isRegularFile).sorted().map(p -> new ProfileFile(p.toUri().toString(),
                    p.getFileName().toString(), Optional.empty(), OptionalLong.empty())).toList();
        } catch (IOException e) {
            throw new CacheException("cannot read model directory " + abs + ": " + e, e);
        }
        String name = abs.getFileName().toString();
        return new ModelEntry(name, "local directory " + abs, "local", Optional.empty(),
                List.of(profile(name, "local-" + dtype, dtype, files)));
    }

    private static Profile profile(String model, String name, String precision, List<ProfileFile> files) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("llm_engine", "jnim");
        tags.put("precision", precision);
        tags.put("device", "cpu");
        tags.put("tp", "1");
        tags.put("pp", "1");
        tags.put("profile", "throughput");
        return new Profile(ProfileIds.compute(model, name, tags, files), name, model, tags, files);
    }

    /** {@code torch_dtype} (or {@code dtype}, newer transformers) of config.json or its text_config; {@code unknown} if absent. */
    static String dtype(Path config) {
        try {
            JsonNode c = JSON.readTree(config.toFile());
            for (JsonNode n : List.of(c, c.path("text_config"))) {
                for (String key : List.of("torch_dtype", "dtype")) {
                    if (n.path(key).isTextual()) {
                        return switch (n.path(key).asText()) {
                            case "bfloat16" -> "bf16";
                            case "float16" -> "fp16";
                            case "float32" -> "fp32";
                            default -> n.path(key).asText();
                        };
                    }
                }
            }
            return "unknown";
        } catch (IOException e) {
            throw new CacheException("cannot read " + config + ": " + e.getMessage(), e);
        }
    }
}
