package dev.jnim.cache;

import dev.jnim.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Opens remote sources over HTTP with {@link HttpClient}: builds the hub / NGC URL, adds the
 * credential, asks for a byte range when resuming, and follows redirects itself so that the
 * credential is sent only to the origin it belongs to (hub and NGC answer with redirects to signed
 * storage URLs). Error statuses become {@link CacheException}s that say what to do. Thread-safe.
 *
 * <p>Hugging Face: {@code {HF_ENDPOINT}/{repo}/resolve/{revision}/{file}}; for LFS files the first
 * (redirect) response carries {@code X-Linked-Etag} (the file's SHA-256) and {@code X-Linked-Size},
 * as {@code huggingface_hub.file_download} reads them. NGC:
 * {@code {NGC_ENDPOINT}/v2/org/{org}[/team/{team}]/models/{model}/versions/{version}/files/{file}}.
 */
final class RemoteFetcher {

    private static final int MAX_REDIRECTS = 10;

    /** An open response body, positioned at {@code offset} when {@code partial}. */
    record Opened(InputStream body, boolean partial, OptionalLong totalSize, Optional<String> sha256) {}

    private final HttpClient client;
    private final Settings.Sources sources;
    private final NgcAuth ngcAuth;

    RemoteFetcher(HttpClient client, Settings.Sources sources) {
        this.client = client;
        this.sources = sources;
        this.ngcAuth = new NgcAuth(client, sources.ngcAuthEndpoint(), sources.ngcApiKey());
    }

    /** A readable name for messages: never contains a credential or a signed query string. */
    static String describe(SourceUri s) {
        return switch (s) {
            case SourceUri.Hf h -> "hf://" + h.repo() + ":" + h.revision() + "?file=" + h.file();
            case SourceUri.Ngc n -> "ngc://" + n.org() + n.team().map(t -> "/" + t).orElse("") + "/" + n.model() + ":"
                    + n.version() + "?file=" + n.file();
            case SourceUri.Http h -> h.uri().getScheme() + "://" + h.uri().getAuthority() + h.uri().getPath();
            case SourceUri.LocalFile f -> f.path().toString();
            case SourceUri.Classpath c -> "classpath:" + c.resource();
        };
    }

    /** Opens {@code source} from byte {@code offset}; a server that ignores the range answers whole ({@code partial} false). */
    Opened open(SourceUri source, long offset) throws IOException, InterruptedException {
        URI url;
        Optional<String> auth;
        switch (source) {
            case SourceUri.Hf h -> {
                url = URI.create(sources.hfEndpoint() + "/" + h.repo() + "/resolve/" + seg(h.revision()) + "/" + path(h.file()));
                auth = sources.hfToken().reveal().map(t -> "Bearer " + t);
            }
            case SourceUri.Ngc n -> {
                url = URI.create(sources.ngcEndpoint() + "/v2/org/" + seg(n.org()) + n.team().map(t -> "/team/" + seg(t)).orElse("")
                        + "/models/" + seg(n.model()) + "/versions/" + seg(n.version()) + "/files/" + path(n.file()));
                auth = Optional.of("Bearer " + ngcAuth.token(n.org(), n.team(), describe(source)));
            }
            case SourceUri.Http h -> {
                url = h.uri();
                auth = Optional.empty();
            }
            default -> throw new IllegalArgumentException("not a remote source: " + describe(source));
        }
        String origin = origin(url);
        Optional<String> linkedSha = Optional.empty();
        OptionalLong linkedSize = OptionalLong.empty();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10)).GET()
                    .header("Accept-Encoding", "identity");
            if (auth.isPresent() && origin(url).equals(origin)) {
                b.header("Authorization", auth.get());
            }
            if (offset > 0) {
                b.header("Range", "bytes=" + offset + "-");
            }
            HttpResponse<InputStream> r;
            try {
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (java.net.ConnectException e) {
                throw new CacheException("cannot connect to " + url.getScheme() + "://" + url.getAuthority() + " to download "
                        + describe(source) + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                        + "); files not in the cache need network access", e);
            }
            HttpHeaders h = r.headers();
            if (linkedSha.isEmpty()) {
                linkedSha = h.firstValue("X-Linked-Etag").map(RemoteFetcher::unquote).filter(RemoteFetcher::isSha256);
            }
            if (linkedSize.isEmpty()) {
                linkedSize = h.firstValueAsLong("X-Linked-Size");
            }
            int status = r.statusCode();
            if (status >= 300 && status < 400 && h.firstValue("Location").isPresent()) {
                r.body().close();
                URI next = url.resolve(h.firstValue("Location").get());
                if (url.getScheme().equalsIgnoreCase("https") && !next.getScheme().equalsIgnoreCase("https")) {
                    throw new CacheException("refusing a redirect from https to " + next.getScheme() + " while downloading " + describe(source));
                }
                url = next;
                continue;
            }
            if (status == 200 || status == 206) {
                // Only the hub promises that a 64-hex ETag is the content's sha256 (LFS); elsewhere an ETag is opaque.
                Optional<String> sha = source instanceof SourceUri.Hf
                        ? linkedSha.or(() -> h.firstValue("ETag").map(RemoteFetcher::unquote).filter(RemoteFetcher::isSha256))
                        : linkedSha;
                OptionalLong total = linkedSize.isPresent() ? linkedSize : total(h, status);
                return new Opened(r.body(), status == 206, total, sha);
            }
            r.body().close();
            if (status == 416) {
                // RFC 9110 15.5.17: the answer's "Content-Range: bytes */<length>" gives the file's size.
                OptionalLong size = linkedSize.isPresent() ? linkedSize : h.firstValue("Content-Range")
                        .filter(cr -> cr.matches("bytes \\*/\\d+"))
                        .map(cr -> OptionalLong.of(Long.parseLong(cr.substring(cr.indexOf('/') + 1)))).orElse(OptionalLong.empty());
                throw new RangeNotSatisfiable(size, linkedSha);
            }
            if (status == 429 || status >= 500) {
                // Overload and server-side failures are usually brief: let the downloader retry.
                throw new TransientHttpError(errorMessage(status, source));
            }
            throw new CacheException(errorMessage(status, source));
        }
        throw new CacheException("too many redirects while downloading " + describe(source));
    }

    /** A status worth retrying (429, 5xx); the downloader's retry loop treats it like a dropped connection. */
    static final class TransientHttpError extends IOException {
        TransientHttpError(String message) {
            super(message);
        }
    }

    /** The requested range starts at or after the end of the file, whose size and sha256 are given when known. */
    static final class RangeNotSatisfiable extends IOException {
        final OptionalLong size;
        final Optional<String> sha256;

        RangeNotSatisfiable(OptionalLong size, Optional<String> sha256) {
            super("416 Range Not Satisfiable");
            this.size = size;
            this.sha256 = sha256;
        }
    }

    private String errorMessage(int status, SourceUri source) {
        String what = describe(source);
        boolean hf = source instanceof SourceUri.Hf;
        boolean ngc = source instanceof SourceUri.Ngc;
        String repoPage = source instanceof SourceUri.Hf h ? sources.hfEndpoint() + "/" + h.repo() : "";
        return switch (status) {
            case 401 -> hf && !sources.hfToken().isPresent()
                    ? "401 Unauthorized for " + what + ": the repository is gated or private; set HF_TOKEN to a Hugging Face token that can read it"
                    : hf ? "401 Unauthorized for " + what + ": HF_TOKEN was rejected; check that the token is valid"
                    : ngc ? "401 Unauthorized for " + what + ": NGC_API_KEY was rejected; check the key"
                    : "401 Unauthorized for " + what;
            case 403 -> hf ? "403 Forbidden for " + what + ": access to this gated repository has not been granted"
                    + (sources.hfToken().isPresent() ? " to the account of HF_TOKEN" : "; set HF_TOKEN") + "; request access at " + repoPage
                    : ngc ? "403 Forbidden for " + what + ": NGC_API_KEY has no access to this org/team"
                    : "403 Forbidden for " + what;
            case 404 -> "404 Not Found: " + what + " does not exist; check the repository, the revision and the file name";
            case 451 -> "451 Unavailable For Legal Reasons: the provider blocks " + what;
            case 429 -> "429 Too Many Requests while downloading " + what + "; retry later"
                    + (hf && !sources.hfToken().isPresent() ? " or set HF_TOKEN (authenticated requests have higher limits)" : "");
            default -> "HTTP " + status + " while downloading " + what;
        };
    }

    private static OptionalLong total(HttpHeaders h, int status) {
        if (status == 206) {
            // Content-Range: bytes 100-199/1000
            return h.firstValue("Content-Range").map(cr -> cr.substring(cr.lastIndexOf('/') + 1))
                    .filter(t -> t.matches("\\d+")).map(t -> OptionalLong.of(Long.parseLong(t))).orElse(OptionalLong.empty());
        }
        return h.firstValueAsLong("Content-Length");
    }

    /** scheme://host:port with the default port filled in, to compare origins (RFC 6454). */
    private static String origin(URI u) {
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        int port = u.getPort() != -1 ? u.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static String unquote(String etag) {
        return etag.replaceFirst("^W/", "").replace("\"", "").strip();
    }

    private static boolean isSha256(String s) {
        return s.matches("[0-9a-f]{64}");
    }

    private static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String path(String file) {
        return Arrays.stream(file.split("/")).map(RemoteFetcher::seg).collect(Collectors.joining("/"));
    }
}
