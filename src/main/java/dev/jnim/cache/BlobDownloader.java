package dev.jnim.cache;

import dev.jnim.manifest.ProfileFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches one file into a blobs directory: bytes go to {@code <key>.incomplete}, a broken transfer is
 * resumed with an HTTP Range request (also after a restart of the process, since the partial file
 * stays), the result is checked against the expected size and SHA-256 (from the manifest, else from
 * the hub's headers), and only then renamed atomically to {@code <sha256>}. So a blob, once visible,
 * is complete and verified. The caller holds the file's lock.
 */
final class BlobDownloader {

    private static final Logger LOG = LoggerFactory.getLogger(BlobDownloader.class);
    private static final int BUFFER = 1 << 20;

    // One daemon thread watches every transfer for stalls: HttpClient has no read timeout for bodies.
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jnim-download-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final RemoteFetcher fetcher;
    private final ProgressListener progress;
    private final int maxAttempts;
    private final Duration stallTimeout;

    BlobDownloader(RemoteFetcher fetcher, ProgressListener progress, int maxAttempts, Duration stallTimeout) {
        this.fetcher = fetcher;
        this.progress = progress;
        this.maxAttempts = maxAttempts;
        this.stallTimeout = stallTimeout;
    }

    /** Downloads {@code file} from {@code source}; {@code key} names the partial file. Returns the blob. */
    Path download(SourceUri source, ProfileFile file, Path blobs, String key) throws InterruptedException {
        String name = RemoteFetcher.describe(source);
        Path partial = blobs.resolve(key + ".incomplete");
        try {
            MessageDigest sha = sha256();
            long offset = 0;
            if (source.remote() && Files.exists(partial)) {
                offset = Files.size(partial);
                hashExisting(partial, sha);
            } else {
                Files.deleteIfExists(partial);
            }
            Optional<String> expectedSha = file.sha256();
            OptionalLong expectedSize = file.size();
            int attempt = 0;
            while (true) {
                attempt++;
                try {
                    Transfer t = source.remote() ? remote(source, name, partial, sha, offset) : local(source, name, partial, sha);
                    offset = t.bytes();
                    if (expectedSha.isEmpty()) {
                        expectedSha = t.sha256();
                    }
                    if (expectedSize.isEmpty()) {
                        expectedSize = t.total();
                    }
                    break;
                } catch (RemoteFetcher.RangeNotSatisfiable e) {
                    // The partial file may already be whole (the process died before the rename): verify it as is.
                    if (expectedSize.isEmpty()) {
                        expectedSize = e.size;
                    }
                    if (expectedSha.isEmpty()) {
                        expectedSha = e.sha256;
                    }
                    if (expectedSize.isPresent() && offset == expectedSize.getAsLong()) {
                        break;
                    }
                    LOG.warn("Partial download of {} does not match the remote file; starting over", name);
                    Files.deleteIfExists(partial);
                    sha.reset();
                    offset = 0;
                } catch (IOException e) {
                    if (e instanceof CacheWriteException w) {
                        throw new CacheException("cannot write " + partial + ": " + w.getCause().getMessage(), w.getCause());
                    }
                    offset = Files.exists(partial) ? Files.size(partial) : 0;
                    if (attempt >= maxAttempts) {
                        if (e instanceof RemoteFetcher.TransientHttpError) {
                            throw new CacheException(e.getMessage() + " (after " + attempt + " attempts)", e);
                        }
                        throw new CacheException("download of " + name + " failed " + attempt + " times, last: " + e
                                + "; the " + offset + " bytes received are kept and the next attempt resumes from there", e);
                    }
                    LOG.warn("Download of {} interrupted at {} bytes ({}); resuming (attempt {} of {})", name, offset, e, attempt + 1, maxAttempts);
                    Thread.sleep(Math.min(5_000, 200L * attempt));
                    sha.reset();
                    hashExisting(partial, sha);
                }
            }
            return verifyAndPublish(name, partial, blobs, HexFormat.of().formatHex(sha.digest()), offset, expectedSha, expectedSize);
        } catch (IOException e) {
            throw new CacheException("cannot use cache directory " + blobs + ": " + e, e);
        }
    }

    private record Transfer(long bytes, OptionalLong total, Optional<String> sha256) {}

    private Transfer remote(SourceUri source, String name, Path partial, MessageDigest sha, long offset)
            throws IOException, InterruptedException {
        RemoteFetcher.Opened o = fetcher.open(source, offset);
        try (InputStream in = o.body()) {
            long start = offset;
            if (!o.partial() && offset > 0) {
                LOG.info("Server ignored the range request for {}; downloading it again from the start", name);
                sha.reset();
                start = 0;
            }
            long total = o.totalSize().orElse(-1);
            long usable = Files.getFileStore(partial.getParent()).getUsableSpace();
            if (total > 0 && total - start > usable) {
                throw new CacheException("not enough space for " + name + " in " + partial.getParent() + ": "
                        + (total - start) + " bytes needed, " + usable + " available");
            }
            progress.started(name, start, total);
            // A connection that stays open but sends nothing would block read() forever; closing the
            // stream from the watchdog makes the blocked read() throw, and the loop above resumes.
            AtomicLong lastRead = new AtomicLong(System.nanoTime());
            AtomicBoolean stalled = new AtomicBoolean();
            long period = Math.max(10, stallTimeout.toMillis() / 4);
            ScheduledFuture<?> watch = WATCHDOG.scheduleAtFixedRate(() -> {
                if (System.nanoTime() - lastRead.get() > stallTimeout.toNanos() && stalled.compareAndSet(false, true)) {
                    try {
                        in.close();
                    } catch (IOException e) {
                        LOG.debug("closing a stalled download of {}: {}", name, e.toString());
                    }
                }
            }, period, period, TimeUnit.MILLISECONDS);
            try {
                long done = copy(in, partial, start > 0, sha, name, start, total, lastRead);
                if (stalled.get()) {
                    throw new IOException("no data for " + stallTimeout.toSeconds() + " s");
                }
                return new Transfer(done, o.totalSize(), o.sha256());
            } catch (IOException e) {
                throw stalled.get() ? new IOException("no data for " + stallTimeout.toMillis() + " ms", e) : e;
            } finally {
                watch.cancel(false);
            }
        }
    }

    private Transfer local(SourceUri source, String name, Path partial, MessageDigest sha) throws IOException {
        sha.reset();
        InputStream in = switch (source) {
            case SourceUri.LocalFile f -> {
                try {
                    yield Files.newInputStream(f.path());
                } catch (NoSuchFileException e) {
                    throw new CacheException("local file " + f.path() + " does not exist");
                }
            }
            case SourceUri.Classpath c -> {
                InputStream s = BlobDownloader.class.getClassLoader().getResourceAsStream(c.resource());
                if (s == null) {
                    throw new CacheException("classpath resource " + c.resource() + " is not inside this jnim build");
                }
                yield s;
            }
            default -> throw new IllegalArgumentException("not a local source: " + name);
        };
        try (in) {
            progress.started(name, 0, -1);
            long done = copy(in, partial, false, sha, name, 0, -1, new AtomicLong());
            return new Transfer(done, OptionalLong.empty(), Optional.empty());
        }
    }

    /** Copies {@code in} to {@code partial}; read errors propagate as IOException, write errors as CacheWriteException. */
    private long copy(InputStream in, Path partial, boolean append, MessageDigest sha, String name, long start, long total,
                      AtomicLong lastRead) throws IOException {
        long done = start;
        FileChannel out;
        try {
            out = append ? FileChannel.open(partial, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                    : FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new CacheWriteException(e);
        }
        try (out) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) >= 0) {
                try {
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                } catch (IOException e) {
                    throw new CacheWriteException(e);
                }
                lastRead.set(System.nanoTime());
                sha.update(buf, 0, n);
                done += n;
                progress.advanced(name, done, total);
            }
            out.force(true);
        }
        return done;
    }

    private Path verifyAndPublish(String name, Path partial, Path blobs, String actualSha, long size,
                                  Optional<String> expectedSha, OptionalLong expectedSize) throws IOException {
        if (expectedSize.isPresent() && size != expectedSize.getAsLong()) {
            Files.deleteIfExists(partial);
            throw new CacheException("size mismatch for " + name + ": expected " + expectedSize.getAsLong() + " bytes, got "
                    + size + "; the download was discarded, run again to retry");
        }
        if (expectedSha.isPresent() && !expectedSha.get().equals(actualSha)) {
            Files.deleteIfExists(partial);
            throw new CacheException("checksum mismatch for " + name + ": expected sha256 " + expectedSha.get() + ", got "
                    + actualSha + "; the download was discarded, run again to retry");
        }
        Path blob = blobs.resolve(actualSha);
        Files.move(partial, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        progress.finished(name, size);
        return blob;
    }

    private static void hashExisting(Path partial, MessageDigest sha) throws IOException {
        if (!Files.exists(partial)) {
            return;
        }
        try (InputStream in = Files.newInputStream(partial)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) >= 0) {
                sha.update(buf, 0, n);
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A failure writing the cache (disk full, permissions): not worth retrying like a network error. */
    private static final class CacheWriteException extends IOException {
        CacheWriteException(IOException cause) {
            super(cause);
        }
    }
}
