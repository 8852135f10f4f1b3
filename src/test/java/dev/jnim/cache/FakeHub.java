package dev.jnim.cache;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jnim.manifest.ProfileIds;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local imitation of the Hugging Face hub and the NGC registry on 127.0.0.1, with a separate
 * "CDN" server (another origin) for large files, as the real services redirect to storage.
 * <ul>
 *   <li>hub: {@code GET /{org}/{name}/resolve/{rev}/{file}}: small files answer 200 directly with a
 *       git-style (40-hex) ETag; LFS files answer 302 to the CDN with {@code X-Linked-Etag} (sha256)
 *       and {@code X-Linked-Size}; gated repos need {@code Bearer good-hf-token} (401 without a token,
 *       403 with another); blocked repos answer 451; unknown files 404.</li>
 *   <li>NGC: {@code GET /token?service=ngc&scope=...} with Basic {@code $oauthtoken:legacy-key} gives
 *       {@code {"token":"ngc-session"}}; files under {@code /v2/org/...} need that token or a
 *       {@code nvapi-} key, and redirect to the CDN.</li>
 *   <li>CDN: serves blobs by sha256 with Range support; can drop a connection mid-body, lie about a
 *       checksum, or hold a body until released.</li>
 * </ul>
 */
final class FakeHub implements AutoCloseable {

    record Request(String server, String path, String authorization, String range) {}

    private final HttpServer hub;
    private final ServerSocket cdn;
    private final Map<String, byte[]> hubFiles = new ConcurrentHashMap<>();   // "/org/name/resolve/rev/file"
    private final Set<String> lfs = ConcurrentHashMap.newKeySet();
    private final Map<String, byte[]> ngcFiles = new ConcurrentHashMap<>();   // "/v2/org/.../files/file"
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();      // sha256 -> bytes
    private final Set<String> gated = ConcurrentHashMap.newKeySet();
    private final Set<String> blocked = ConcurrentHashMap.newKeySet();
    private final Map<String, String> wrongSha = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger dropsLeft = new AtomicInteger();
    final AtomicInteger stallsLeft = new AtomicInteger();
    final AtomicInteger unavailableLeft = new AtomicInteger(); // hub answers 503 this many times
    volatile CountDownLatch holdBodies = new CountDownLatch(0);

    FakeHub() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        hub = HttpServer.create(new InetSocketAddress(lo, 0), 0);
        hub.createContext("/", this::hub);
        hub.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        hub.start();
        cdn = new ServerSocket(0, 50, lo);
        Thread.ofVirtual().start(this::acceptCdn);
    }

    String hubUrl() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    String cdnUrl() {
        return "http://127.0.0.1:" + cdn.getLocalPort();
    }

    static String sha(byte[] b) {
        return ProfileIds.sha256Hex(b);
    }

    /** A hub file; {@code largeFile} ones go through the CDN like LFS files. */
    FakeHub hf(String repo, String rev, String file, byte[] content, boolean largeFile) {
        String path = "/" + repo + "/resolve/" + rev + "/" + file;
        hubFiles.put(path, content);
        if (largeFile) {
            lfs.add(path);
            blobs.put(sha(content), content);
        }
        return this;
    }

    FakeHub gated(String repo) {
        gated.add(repo);
        return this;
    }

    FakeHub blocked(String repo) {
        blocked.add(repo);
        return this;
    }

    /** The hub announces {@code announced} as the sha256 of this LFS file. */
    FakeHub lieAboutSha(String repo, String rev, String file, String announced) {
        wrongSha.put("/" + repo + "/resolve/" + rev + "/" + file, announced);
        return this;
    }

    FakeHub ngc(String orgTeamModel, String version, String file, byte[] content) {
        String[] p = orgTeamModel.split("/");
        String path = "/v2/org/" + p[0] + (p.length == 3 ? "/team/" + p[1] : "") + "/models/" + p[p.length - 1]
                + "/versions/" + version + "/files/" + file;
        ngcFiles.put(path, content);
        blobs.put(sha(content), content);
        return this;
    }

    long count(String server, String pathPart) {
        return requests.stream().filter(r -> r.server().equals(server) && r.path().contains(pathPart)).count();
    }

    private void record(String server, HttpExchange ex) {
        requests.add(new Request(server, ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Authorization"),
                ex.getRequestHeaders().getFirst("Range")));
    }

    private void hub(HttpExchange ex) throws IOException {
        try (ex) {
            record("hub", ex);
            String path = ex.getRequestURI().getPath();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (path.equals("/token")) {
                String expected = "Basic " + java.util.Base64.getEncoder()
                        .encodeToString("$oauthtoken:legacy-key".getBytes(StandardCharsets.UTF_8));
                if (!expected.equals(auth) || !ex.getRequestURI().getRawQuery().contains("scope=group%2Fngc%3Anvidia%2Fvlm-team")) {
                    send(ex, 401, "{\"detail\":\"bad key\"}");
                } else {
                    send(ex, 200, "{\"token\":\"ngc-session\",\"expires_in\":300}");
                }
                return;
            }
            if (path.startsWith("/v2/org/")) {
                if (!"Bearer ngc-session".equals(auth) && !"Bearer nvapi-good".equals(auth)) {
                    send(ex, 401, "unauthorized");
                    return;
                }
                byte[] content = ngcFiles.get(path);
                if (content == null) {
                    send(ex, 404, "not found");
                    return;
                }
                redirect(ex, cdnUrl() + "/blob/" + sha(content), null, -1);
                return;
            }
            if (unavailableLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                send(ex, 503, "Service Unavailable");
                return;
            }
            if (path.startsWith("/api/models/")) {
                listing(ex, path.substring("/api/models/".length()));
                return;
            }
            String repo = path.split("/resolve/")[0].substring(1);
            if (blocked.contains(repo)) {
                send(ex, 451, "blocked");
                return;
            }
            if (gated.contains(repo)) {
                if (auth == null) {
                    send(ex, 401, "gated");
                    return;
                }
                if (!auth.equals("Bearer good-hf-token")) {
                    send(ex, 403, "forbidden");
                    return;
                }
            }
            byte[] content = hubFiles.get(path);
            if (content == null) {
                send(ex, 404, "Entry not found");
                return;
            }
            if (lfs.contains(path)) {
                redirect(ex, cdnUrl() + "/blob/" + sha(content), wrongSha.getOrDefault(path, sha(content)), content.length);
                return;
            }
            ex.getResponseHeaders().add("ETag", "\"" + "a".repeat(40) + "\"");
            ex.sendResponseHeaders(200, content.length);
            ex.getResponseBody().write(content);
        }
    }

    /** {@code GET /api/models/{repo}/revision/{rev}}: the repo's files as hub "siblings". */
    private void listing(HttpExchange ex, String rest) throws IOException {
        int i = rest.indexOf("/revision/");
        String repo = rest.substring(0, i);
        String prefix = "/" + repo + "/resolve/" + rest.substring(i + "/revision/".length()) + "/";
        List<String> names = hubFiles.keySet().stream().filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length()))
                .sorted().toList();
        if (names.isEmpty()) {
            send(ex, 404, "{\"error\":\"Repository not found\"}");
            return;
        }
        String siblings = names.stream().map(n -> "{\"rfilename\":\"" + n + "\"}").collect(java.util.stream.Collectors.joining(","));
        send(ex, 200, "{\"id\":\"" + repo + "\",\"sha\":\"" + "c".repeat(40) + "\",\"siblings\":[" + siblings + "]}");
    }

    private void redirect(HttpExchange ex, String location, String linkedSha, long linkedSize) throws IOException {
        ex.getResponseHeaders().add("Location", location);
        if (linkedSha != null) {
            ex.getResponseHeaders().add("X-Linked-Etag", "\"" + linkedSha + "\"");
            ex.getResponseHeaders().add("X-Linked-Size", Long.toString(linkedSize));
        }
        ex.sendResponseHeaders(302, -1);
    }

    private void acceptCdn() {
        while (!cdn.isClosed()) {
            try {
                Socket socket = cdn.accept();
                Thread.ofVirtual().start(() -> serveCdn(socket));
            } catch (IOException e) {
                return; // closed by close()
            }
        }
    }

    /**
     * The CDN speaks raw HTTP/1.1 over a socket (one request per connection) so that it can really
     * drop a connection mid-body or stall, which {@code HttpServer} cannot do.
     */
    private void serveCdn(Socket socket) {
        try (socket) {
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            if (requestLine == null) {
                return;
            }
            String path = requestLine.split(" ")[1];
            String auth = null;
            String range = null;
            for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                int c = h.indexOf(':');
                String name = h.substring(0, c).strip().toLowerCase(java.util.Locale.ROOT);
                String value = h.substring(c + 1).strip();
                if (name.equals("authorization")) {
                    auth = value;
                } else if (name.equals("range")) {
                    range = value;
                }
            }
            requests.add(new Request("cdn", path, auth, range));
            OutputStream out = socket.getOutputStream();
            byte[] content = blobs.get(path.replace("/blob/", ""));
            if (content == null) {
                head(out, "404 Not Found", 0, "");
                return;
            }
            int from = 0;
            String extra = "";
            if (range != null) {
                from = Integer.parseInt(range.replace("bytes=", "").replace("-", ""));
                if (from >= content.length) {
                    head(out, "416 Range Not Satisfiable", 0, "Content-Range: bytes */" + content.length + "\r\n");
                    return;
                }
                extra = "Content-Range: bytes " + from + "-" + (content.length - 1) + "/" + content.length + "\r\n";
            }
            int len = content.length - from;
            head(out, range != null ? "206 Partial Content" : "200 OK", len, extra);
            if (!holdBodies.await(20, TimeUnit.SECONDS)) {
                return;
            }
            if (dropsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                out.write(content, from, len / 2);
                out.flush();
                Thread.sleep(200); // let the client read what was sent: it discards buffered bytes once the connection fails
                return; // closing the socket now: the client sees fewer bytes than Content-Length
            }
            if (stallsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                out.write(content, from, len / 2);
                out.flush();
                Thread.sleep(10_000); // connection open, no data: only the client's stall watchdog ends this
                return;
            }
            out.write(content, from, len);
            out.flush();
        } catch (IOException e) {
            // the client went away (e.g. its stall watchdog closed the stream): nothing to serve
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void head(OutputStream out, String status, int length, String extra) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\nContent-Length: " + length + "\r\nConnection: close\r\n" + extra + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    @Override
    public void close() {
        holdBodies.countDown();
        hub.stop(0);
        try {
            cdn.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
