package dev.jnim.vision;

import java.io.IOException;
import java.io.InputStream;
import java.net.IDN;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Gets the bytes of an image URL from a request, safely: {@code data:image/...;base64,} URLs are
 * decoded; {@code http(s)} URLs are fetched only when every address their host resolves to is
 * public (no loopback, private, link-local, unique-local, multicast or cloud-metadata address), and
 * each redirect is checked again before it is followed. An allow-list of domains
 * ({@code NIM_ALLOWED_MEDIA_DOMAINS}) restricts hosts further; a host the operator listed there
 * explicitly is trusted even on a private address. Sizes and time are bounded; every refusal is an
 * {@link ImageException} whose message says which rule and which host.
 *
 * <p>Thread-safe; one instance serves all requests.
 */
public final class ImageFetcher {

    private static final int MAX_REDIRECTS = 3;

    private final long maxBytes;
    private final Duration timeout;
    private final List<String> allowedDomains;
    private final HttpClient client;
    private final Path localDir;

    public ImageFetcher(long maxBytes, Duration timeout, List<String> allowedDomains) {
        this(maxBytes, timeout, allowedDomains, null);
    }

    /** With {@code localDir} non-null, {@code file://} URLs inside that directory are read too. */
    public ImageFetcher(long maxBytes, Duration timeout, List<String> allowedDomains, Path localDir) {
        this.localDir = localDir;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.allowedDomains = allowedDomains.stream().map(d -> d.trim().toLowerCase(Locale.ROOT))
                .filter(d -> !d.isEmpty()).toList();
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The image's bytes; {@code what} names it in errors (e.g. {@code messages[0].content[1]}). */
    public byte[] fetch(String url, String what) {
        String u = url.strip();
        if (u.regionMatches(true, 0, "data:", 0, 5)) {
            return dataUrl(u, what);
        }
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new ImageException(what + ": not a valid URL");
        }
        if ("file".equalsIgnoreCase(uri.getScheme()) && localDir != null) {
            return localFile(uri, what);
        }
        for (int hop = 0; ; hop++) {
            check(uri, what);
            HttpResponse<InputStream> res;
            try {
                res = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new ImageException(what + ": cannot fetch " + uri.getHost() + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() != null ? " " + e.getMessage() : ""));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImageException(what + ": interrupted while fetching");
            }
            int status = res.statusCode();
            if (status >= 300 && status < 400 && res.headers().firstValue("location").isPresent()) {
                close(res);
                if (hop >= MAX_REDIRECTS) {
                    throw new ImageException(what + ": more than " + MAX_REDIRECTS + " redirects");
                }
                uri = uri.resolve(res.headers().firstValue("location").get());
                continue;
            }
            if (status != 200) {
                close(res);
                throw new ImageException(what + ": " + uri.getHost() + " answered HTTP " + status);
            }
            long declared = res.headers().firstValueAsLong("content-length").orElse(-1);
            if (declared > maxBytes) {
                close(res);
                throw new ImageException(what + ": the image is " + declared + " bytes, more than the limit of "
                        + maxBytes + " (NIM_MAX_IMAGE_BYTES)");
            }
            try (InputStream in = res.body()) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw new ImageException(what + ": the image is more than the limit of " + maxBytes
                            + " bytes (NIM_MAX_IMAGE_BYTES)");
                }
                return bytes;
            } catch (IOException e) {
                throw new ImageException(what + ": download from " + uri.getHost() + " failed: " + e.getMessage());
            }
        }
    }

    /** A file inside {@link #localDir}, after resolving symbolic links (no escaping it). */
    private byte[] localFile(URI uri, String what) {
        try {
            Path root = localDir.toRealPath();
            Path file = Path.of(uri).toRealPath();
            if (!file.startsWith(root)) {
                throw new ImageException(what + ": file:// URLs must point inside NIM_ALLOWED_LOCAL_MEDIA_PATH");
            }
            if (Files.size(file) > maxBytes) {
                throw new ImageException(what + ": the image is more than the limit of " + maxBytes
                        + " bytes (NIM_MAX_IMAGE_BYTES)");
            }
            return Files.readAllBytes(file);
        } catch (IOException | IllegalArgumentException e) {
            throw new ImageException(what + ": cannot read the file (" + e.getClass().getSimpleName() + ")");
        }
    }

    private byte[] dataUrl(String u, String what) {
        int comma = u.indexOf(',');
        if (comma < 0) {
            throw new ImageException(what + ": a data URL needs a ',' before its data");
        }
        String meta = u.substring(5, comma).toLowerCase(Locale.ROOT);
        if (!meta.startsWith("image/") || !meta.endsWith(";base64")) {
            throw new ImageException(what + ": a data URL must be 'data:image/<format>;base64,...'");
        }
        String data = u.substring(comma + 1);
        if ((long) data.length() * 3 / 4 > maxBytes + 3) {
            throw new ImageException(what + ": the image is more than the limit of " + maxBytes
                    + " bytes (NIM_MAX_IMAGE_BYTES)");
        }
        try {
            // Strict alphabet (whitespace and line breaks allowed): garbage must fail, not decode to nothing.
            return Base64.getDecoder().decode(data.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new ImageException(what + ": the data URL is not valid base64");
        }
    }

    /** The SSRF rules for one URL (the first or a redirect target). */
    void check(URI uri, String what) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ImageException(what + ": only http, https and data: image URLs are accepted"
                    + (localDir != null ? " (and file: inside NIM_ALLOWED_LOCAL_MEDIA_PATH)" : "") + ", not '"
                    + scheme + ":'");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new ImageException(what + ": the URL has no host");
        }
        String h = IDN.toASCII(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)
                .toLowerCase(Locale.ROOT);
        boolean listed = allowedDomains.stream().anyMatch(d -> matches(d, h));
        if (!allowedDomains.isEmpty() && !listed) {
            throw new ImageException(what + ": host " + h + " is not in NIM_ALLOWED_MEDIA_DOMAINS");
        }
        if (listed) {
            return; // the operator named this host: it may be internal on purpose
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(h);
        } catch (UnknownHostException e) {
            throw new ImageException(what + ": host " + h + " does not resolve");
        }
        for (InetAddress a : addresses) {
            if (!isPublic(a)) {
                throw new ImageException(what + ": host " + h + " resolves to a non-public address ("
                        + a.getHostAddress() + "); image URLs may only point to public hosts unless the host is "
                        + "listed in NIM_ALLOWED_MEDIA_DOMAINS");
            }
        }
    }

    private static boolean matches(String rule, String host) {
        if (rule.startsWith("*.")) {
            String suffix = rule.substring(1);
            return host.endsWith(suffix) && host.length() > suffix.length();
        }
        return host.equals(rule);
    }

    /** Not loopback, private (RFC 1918), link-local (cloud metadata), CGNAT, unique-local, multicast or unspecified. */
    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int b0 = b[0] & 0xFF;
            int b1 = b[1] & 0xFF;
            return !(b0 == 0 || (b0 == 100 && b1 >= 64 && b1 < 128) || (b0 == 192 && b1 == 0 && (b[2] & 0xFF) == 0)
                    || b0 >= 240);
        }
        if (a instanceof Inet6Address) {
            return (b[0] & 0xFE) != 0xFC; // fc00::/7 unique local
        }
        return true;
    }

    private static void close(HttpResponse<InputStream> res) {
        try {
            res.body().close();
        } catch (IOException e) {
            // The body is abandoned either way; closing only frees the connection sooner.
            org.slf4j.LoggerFactory.getLogger(ImageFetcher.class).debug("closing an image response failed", e);
        }
    }
}
