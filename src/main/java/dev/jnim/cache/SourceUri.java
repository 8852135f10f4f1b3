package dev.jnim.cache;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where one file comes from, parsed from a manifest URI. The hub-style forms are NIM's
 * ({@code docs.nvidia.com/nim/large-language-models/.../model-download}):
 * {@code hf://org/model:revision?file=path} and {@code ngc://org/team/model:version?file=path}
 * (team optional); plus {@code https://} (and {@code http://} for local mirrors), {@code file://}
 * and {@code classpath:} for files shipped inside jnim.
 */
public sealed interface SourceUri {

    /** A Hugging Face hub file. */
    record Hf(String repo, String revision, String file) implements SourceUri {}

    /** An NGC registry model file. */
    record Ngc(String org, Optional<String> team, String model, String version, String file) implements SourceUri {}

    /** A plain URL. */
    record Http(URI uri) implements SourceUri {}

    /** A local file. */
    record LocalFile(Path path) implements SourceUri {}

    /** A resource inside jnim's jar (no leading slash). */
    record Classpath(String resource) implements SourceUri {}

    /** Whether fetching it needs the network (and so possibly a key). */
    default boolean remote() {
        return this instanceof Hf || this instanceof Ngc || this instanceof Http;
    }

    static SourceUri parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("hf://")) {
            Repo r = Repo.parse(text.substring(5), text);
            String[] parts = r.path().split("/");
            if (parts.length != 2) {
                throw bad(text, "expected hf://org/model[:revision]?file=path");
            }
            return new Hf(r.path(), r.version().orElse("main"), r.file().orElseThrow(() -> bad(text, "no ?file= part")));
        }
        if (lower.startsWith("ngc://")) {
            Repo r = Repo.parse(text.substring(6), text);
            String[] parts = r.path().split("/");
            if (parts.length < 2 || parts.length > 3 || r.version().isEmpty()) {
                throw bad(text, "expected ngc://org/[team/]model:version?file=path");
            }
            return new Ngc(parts[0], parts.length == 3 ? Optional.of(parts[1]) : Optional.empty(), parts[parts.length - 1],
                    r.version().get(), r.file().orElseThrow(() -> bad(text, "no ?file= part")));
        }
        if (lower.startsWith("https://") || lower.startsWith("http://")) {
            return new Http(URI.create(text));
        }
        if (lower.startsWith("file:")) {
            return new LocalFile(Path.of(URI.create(text)));
        }
        if (lower.startsWith("classpath:")) {
            return new Classpath(text.substring("classpath:".length()).replaceFirst("^/+", ""));
        }
        throw bad(text, "unknown scheme; use hf://, ngc://, https://, file:// or classpath:");
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("bad source URI '" + text + "': " + why);
    }

    /** {@code org/name[:version][?file=path]}, the part after the scheme. */
    record Repo(String path, Optional<String> version, Optional<String> file) {

        static Repo parse(String rest, String whole) {
            Optional<String> file = Optional.empty();
            int q = rest.indexOf('?');
            if (q >= 0) {
                String query = rest.substring(q + 1);
                rest = rest.substring(0, q);
                for (String kv : query.split("&")) {
                    if (kv.startsWith("file=")) {
                        file = Optional.of(URLDecoder.decode(kv.substring(5), StandardCharsets.UTF_8));
                    }
                }
            }
            Optional<String> version = Optional.empty();
            int colon = rest.lastIndexOf(':');
            if (colon >= 0) {
                version = Optional.of(rest.substring(colon + 1));
                rest = rest.substring(0, colon);
            }
            if (rest.isEmpty() || rest.startsWith("/") || rest.endsWith("/") || rest.contains("..")
                    || version.filter(String::isEmpty).isPresent()) {
                throw bad(whole, "malformed repository part");
            }
            return new Repo(rest, version, file);
        }
    }
}
