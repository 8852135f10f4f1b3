package dev.jnim.cache;

import dev.jnim.config.Settings;
import dev.jnim.manifest.ModelEntry;
import dev.jnim.manifest.Profile;
import dev.jnim.manifest.ProfileFile;
import dev.jnim.manifest.ProfileIds;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model cache under {@code NIM_CACHE_PATH}, laid out like the Hugging Face hub cache:
 * <pre>
 * models--{org}--{name}/blobs/{sha256}                      verified file contents
 * models--{org}--{name}/blobs/{key}.incomplete | .lock      a download in progress and its lock
 * models--{org}--{name}/snapshots/{revision}/{path}         symbolic links to the blobs: the model directory
 * models--{org}--{name}/sources/{revision}/{sha256(path)}    the URI each snapshot file came from
 * </pre>
 * Profiles of one model share the snapshot (bf16 and q8_0 read the same checkpoint; q8_0 quantizes at
 * load time) and identical files share one blob. Because two profiles may also put different files at
 * the same path, each snapshot file records its source URI, and a file counts as present for a profile
 * only when it came from that profile's URI. A profile whose files are all in its snapshot needs
 * neither network nor key. Thread-safe: each file is fetched under its lock (see {@link FileLocks}).
 */
public final class ModelCache {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
    /** Files of one profile fetched side by side. */
    static final int PARALLEL_DOWNLOADS = 4;

    private final Supplier<CacheRoot> rootSource;
    private volatile CacheRoot root;
    private final BlobDownloader downloader;

    public ModelCache(CacheRoot root, HttpClient client, Settings.Sources sources, ProgressListener progress) {
        this(root, client, sources, progress, Duration.ofSeconds(60));
    }

    /** As above with the time a transfer may go without receiving a byte before it is resumed. */
    public ModelCache(CacheRoot root, HttpClient client, Settings.Sources sources, ProgressListener progress, Duration stallTimeout) {
        this(() -> root, client, sources, progress, stallTimeout);
    }

    private ModelCache(Supplier<CacheRoot> rootSource, HttpClient client, Settings.Sources sources, ProgressListener progress,
                       Duration stallTimeout) {
        this.rootSource = rootSource;
        this.downloader = new BlobDownloader(new RemoteFetcher(client, sources), progress, 5, stallTimeout);
    }

    /** The cache at {@code NIM_CACHE_PATH}, or its per-user fallback when that cannot be created. */
    public static ModelCache open(Settings settings, HttpClient client, ProgressListener progress) {
        // Resolved on first use: listing profiles of a manifest model never touches the disk.
        return new ModelCache(() -> CacheRoot.resolve(settings.model().cachePath(), CacheRoot.userFallback()),
                client, settings.sources(), progress, Duration.ofSeconds(60));
    }

    /** HTTP/1.1 (large bodies from CDNs), redirects handled by {@link RemoteFetcher}. */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** The cache directory, created (or replaced by the fallback) on first use. */
    public CacheRoot root() {
        CacheRoot r = root;
        if (r == null) {
            synchronized (this) {
                if (root == null) {
                    root = rootSource.get();
                }
                r = root;
            }
        }
        return r;
    }

    /** {@code models--org--name}: the hub's folder naming. */
    public Path repoDir(String modelName) {
        return root().path().resolve("models--" + modelName.replace("/", "--"));
    }

    /** A revision as one folder name: {@code refs/pr/1} becomes {@code refs--pr--1}. */
    static String folder(String revision) {
        return revision.replace("/", "--");
    }

    /** Where the model's files appear, one plain model directory per revision. */
    public Path snapshotDir(ModelEntry model) {
        return repoDir(model.name()).resolve("snapshots").resolve(folder(model.revision()));
    }

    /** Whether every file of the profile is in the cache (and of the expected size when known). */
    public boolean isCached(ModelEntry model, Profile profile) {
        Path snapshot = snapshotDir(model);
        return profile.files().stream().allMatch(f -> present(model, snapshot.resolve(f.path()), f));
    }

    /**
     * Makes every file of the profile present in the model's snapshot, downloading what is missing,
     * and returns the snapshot directory. Logs NIM's "Preparing model workspace" lines.
     */
    public Path ensure(ModelEntry model, Profile profile) throws InterruptedException {
        long start = System.nanoTime();
        LOG.info("Preparing model workspace. This step might download additional files to run the model.");
        Path snapshot = snapshotDir(model);
        List<ProfileFile> missing = new ArrayList<>();
        for (ProfileFile f : profile.files()) {
            if (!present(model, safeResolve(snapshot, f.path()), f)) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty() && !root().writable()) {
            throw new CacheException("the cache " + root().path() + " is read-only and lacks " + missing.getFirst().path()
                    + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more)" : "") + " of profile " + profile.label()
                    + "; fill it with download-to-cache or mount it writable");
        }
        fetchAll(model, snapshot, missing);
        LOG.info("Model workspace is now ready. It took {} seconds", String.format(Locale.ROOT, "%.3f",
                (System.nanoTime() - start) / 1e9));
        return snapshot;
    }

    /**
     * Fetches up to {@link #PARALLEL_DOWNLOADS} files at once (shards of a large checkpoint download
     * much faster side by side). The first failure cancels the others and is rethrown.
     */
    private void fetchAll(ModelEntry model, Path snapshot, List<ProfileFile> files) throws InterruptedException {
        if (files.size() <= 1) {
            for (ProfileFile f : files) {
                fetch(model, f, safeResolve(snapshot, f.path()));
            }
            return;
        }
        Semaphore permits = new Semaphore(PARALLEL_DOWNLOADS);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (ProfileFile f : files) {
                futures.add(pool.submit(() -> {
                    permits.acquire();
                    try {
                        fetch(model, f, safeResolve(snapshot, f.path()));
                    } finally {
                        permits.release();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    futures.forEach(other -> other.cancel(true));
                    throw e.getCause() instanceof RuntimeException r ? r
                            : new CacheException("download failed: " + e.getCause(), e.getCause());
                }
            }
        }
    }

    private void fetch(ModelEntry model, ProfileFile f, Path target) throws InterruptedException {
        SourceUri source;
        try {
            source = SourceUri.parse(f.uri());
        } catch (IllegalArgumentException e) {
            throw new CacheException("profile file " + f.path() + " of model " + model.name() + ": " + e.getMessage(), e);
        }
        Path blobs = repoDir(model.name()).resolve("blobs");
        String key = ProfileIds.sha256Hex(f.uri().getBytes(StandardCharsets.UTF_8));
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(target.getParent());
            AtomicBoolean waited = new AtomicBoolean();
            try (var lock = FileLocks.acquire(blobs.resolve(key + ".lock"), () -> {
                waited.set(true);
                LOG.info("Waiting for another download of {} into the same cache", RemoteFetcher.describe(source));
            })) {
                if (present(model, target, f)) {
                    LOG.info("{} was downloaded by another process", f.path());
                    return; // someone else finished it while we waited
                }
                Path blob = downloader.download(source, f, blobs, key);
                link(target, blob);
                Path record = sourceRecord(model, f.path());
                Files.createDirectories(record.getParent());
                Path tmp = record.resolveSibling(record.getFileName() + ".tmp");
                Files.writeString(tmp, f.uri());
                Files.move(tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new CacheException("cannot write the cache " + root().path() + " (" + e + ")", e);
        }
    }

    /** Publishes {@code target} as a relative symbolic link to {@code blob} (a copy where links are not allowed). */
    private static void link(Path target, Path blob) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".link-tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createSymbolicLink(tmp, target.getParent().relativize(blob));
        } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private boolean present(ModelEntry model, Path file, ProfileFile f) {
        try {
            Path record = sourceRecord(model, f.path());
            return Files.isRegularFile(file) && (f.size().isEmpty() || Files.size(file) == f.size().getAsLong())
                    && Files.isRegularFile(record) && Files.readString(record).equals(f.uri());
        } catch (IOException e) {
            LOG.debug("treating {} as missing: {}", file, e.toString());
            return false;
        }
    }

    /** Where the source URI of snapshot file {@code path} is recorded. */
    private Path sourceRecord(ModelEntry model, String path) {
        return repoDir(model.name()).resolve("sources").resolve(folder(model.revision()))
                .resolve(ProfileIds.sha256Hex(path.getBytes(StandardCharsets.UTF_8)));
    }

    /** Resolves a manifest path inside {@code dir}, refusing {@code ..} escapes. */
    static Path safeResolve(Path dir, String relative) {
        Path p = dir.resolve(relative).normalize();
        if (!p.startsWith(dir.normalize()) || Path.of(relative).isAbsolute()) {
            throw new CacheException("file path '" + relative + "' leaves the model directory");
        }
        return p;
    }

    /**
     * {@code create-model-store}: a plain model directory at {@code dest} with copies of the profile's
     * files, fetching missing files first. Copies, not links: editing a file of the store must never
     * change the verified blob in the cache.
     */
    public Path createModelStore(ModelEntry model, Profile profile, Path dest) throws InterruptedException {
        Path snapshot = ensure(model, profile);
        try {
            Files.createDirectories(dest);
            for (ProfileFile f : profile.files()) {
                Path from = snapshot.resolve(f.path()).toRealPath();
                Path to = safeResolve(dest.toAbsolutePath(), f.path());
                Files.createDirectories(to.getParent());
                Path tmp = to.resolveSibling("." + to.getFileName() + ".copy-tmp");
                Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new CacheException("cannot create the model store " + dest + ": " + e, e);
        }
        LOG.info("Model store for profile {} created at {}", profile.label(), dest);
        return dest;
    }
}
