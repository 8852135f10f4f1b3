package dev.jnim.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens for the NGC registry. A personal key ({@code nvapi-...}) is itself a bearer token; a
 * legacy key is exchanged at the token service ({@code NGC_AUTH_ENDPOINT}) with HTTP Basic
 * {@code $oauthtoken:<key>} and scopes {@code group/ngc:<org>} (and {@code group/ngc:<org>/<team>}),
 * which answers {@code {"token": ...}} — the flow NGC's own CLI and SDK use. Tokens are kept per
 * org/team for the life of this object. Thread-safe.
 */
final class NgcAuth {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final URI endpoint;
    private final Secret key;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    NgcAuth(HttpClient client, URI endpoint, Secret key) {
        this.client = client;
        this.endpoint = endpoint;
        this.key = key;
    }

    String token(String org, Optional<String> team, String what) throws IOException, InterruptedException {
        String raw = key.reveal().orElseThrow(() -> new CacheException(
                "NGC_API_KEY is not set; it is needed to download " + what + " (not in the cache). "
                        + "Set NGC_API_KEY, or pre-fill NIM_CACHE_PATH with download-to-cache."));
        if (raw.startsWith("nvapi-")) {
            return raw;
        }
        String scope = org + team.map(t -> "/" + t).orElse("");
        String cached = tokens.get(scope);
        if (cached != null) {
            return cached;
        }
        String query = "service=ngc&scope=" + enc("group/ngc:" + org) + team.map(t -> "&scope=" + enc("group/ngc:" + org + "/" + t)).orElse("");
        String basic = Base64.getEncoder().encodeToString(("$oauthtoken:" + raw).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "?" + query))
                .header("Authorization", "Basic " + basic).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new CacheException("NGC_API_KEY was rejected by the NGC token service (" + response.statusCode()
                    + ") while preparing to download " + what + "; check the key and its org/team access");
        }
        if (response.statusCode() != 200) {
            throw new CacheException("the NGC token service " + endpoint + " answered " + response.statusCode()
                    + " while preparing to download " + what);
        }
        JsonNode token = JSON.readTree(response.body()).path("token");
        if (!token.isTextual() || token.asText().isEmpty()) {
            throw new CacheException("the NGC token service " + endpoint + " answered without a token");
        }
        tokens.put(scope, token.asText());
        return token.asText();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
