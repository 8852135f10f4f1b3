package dev.jnim.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageFetcherTest {

    @Test
    void onlyPublicAddressesArePublic() throws Exception {
        for (String a : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "224.0.0.1"}) {
            assertThat(ImageFetcher.isPublic(InetAddress.getByName(a))).as(a).isFalse();
        }
        for (String a : new String[] {"8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"}) {
            assertThat(ImageFetcher.isPublic(InetAddress.getByName(a))).as(a).isTrue();
        }
    }

    @Test
    void allowListRestrictsHostsAndTrustsListedOnes() {
        ImageFetcher open = new ImageFetcher(1 << 20, Duration.ofSeconds(1), List.of());
        assertThatThrownBy(() -> open.check(URI.create("http://127.0.0.1/x.png"), "img"))
                .hasMessageContaining("non-public address (127.0.0.1)");
        assertThatThrownBy(() -> open.check(URI.create("ftp://example.com/x.png"), "img"))
                .hasMessageContaining("only http, https and data");
        ImageFetcher listed = new ImageFetcher(1 << 20, Duration.ofSeconds(1), List.of("*.example.com", "localhost"));
        listed.check(URI.create("http://localhost:8080/x.png"), "img");
        assertThatThrownBy(() -> listed.check(URI.create("https://example.org/x.png"), "img"))
                .hasMessageContaining("not in NIM_ALLOWED_MEDIA_DOMAINS");
        assertThatThrownBy(() -> listed.check(URI.create("https://example.com/x.png"), "img"))
                .hasMessageContaining("not in NIM_ALLOWED_MEDIA_DOMAINS"); // *.example.com means subdomains
    }

    @Test
    void fileUrlsOnlyInsideTheConfiguredDirectory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path inside = java.nio.file.Files.createDirectory(dir.resolve("images"));
        java.nio.file.Files.write(inside.resolve("a.png"), new byte[] {1, 2, 3});
        java.nio.file.Files.write(dir.resolve("secret.png"), new byte[] {9});
        java.nio.file.Files.createSymbolicLink(inside.resolve("link.png"), dir.resolve("secret.png"));
        ImageFetcher f = new ImageFetcher(1 << 20, Duration.ofSeconds(1), List.of(), inside);
        assertThat(f.fetch(inside.resolve("a.png").toUri().toString(), "img")).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> f.fetch(dir.resolve("secret.png").toUri().toString(), "img"))
                .hasMessageContaining("inside NIM_ALLOWED_LOCAL_MEDIA_PATH");
        assertThatThrownBy(() -> f.fetch(inside.resolve("link.png").toUri().toString(), "img"))
                .hasMessageContaining("inside NIM_ALLOWED_LOCAL_MEDIA_PATH");
        ImageFetcher none = new ImageFetcher(1 << 20, Duration.ofSeconds(1), List.of());
        assertThatThrownBy(() -> none.fetch(inside.resolve("a.png").toUri().toString(), "img"))
                .hasMessageContaining("only http, https and data");
    }

    @Test
    void dataUrlsAreDecodedWithinTheLimit() {
        ImageFetcher f = new ImageFetcher(8, Duration.ofSeconds(1), List.of());
        assertThat(f.fetch("data:image/png;base64,AAEC", "img")).containsExactly(0, 1, 2);
        assertThatThrownBy(() -> f.fetch("data:image/png;base64," + "A".repeat(40), "img"))
                .hasMessageContaining("NIM_MAX_IMAGE_BYTES");
        assertThatThrownBy(() -> f.fetch("data:text/plain;base64,AAEC", "img")).hasMessageContaining("data:image/");
    }
}
