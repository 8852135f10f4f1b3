package dev.jnim.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SourceUriTest {

    @Test
    void nimForms() {
        assertThat(SourceUri.parse("hf://Qwen/Qwen2-VL-2B-Instruct:main?file=model-00001-of-00002.safetensors"))
                .isEqualTo(new SourceUri.Hf("Qwen/Qwen2-VL-2B-Instruct", "main", "model-00001-of-00002.safetensors"));
        assertThat(SourceUri.parse("hf://org/m?file=sub%2Fdir/a.json")).isEqualTo(new SourceUri.Hf("org/m", "main", "sub/dir/a.json"));
        assertThat(SourceUri.parse("ngc://nvidia/team/model:1.2?file=config.json"))
                .isEqualTo(new SourceUri.Ngc("nvidia", Optional.of("team"), "model", "1.2", "config.json"));
        assertThat(SourceUri.parse("ngc://nvidia/model:1.2?file=config.json"))
                .isEqualTo(new SourceUri.Ngc("nvidia", Optional.empty(), "model", "1.2", "config.json"));
        assertThat(SourceUri.parse("file:///models/m/config.json")).isEqualTo(new SourceUri.LocalFile(Path.of("/models/m/config.json")));
        assertThat(SourceUri.parse("classpath:/dev/jnim/x.json")).isEqualTo(new SourceUri.Classpath("dev/jnim/x.json"));
        assertThat(SourceUri.parse("https://example.com/a/b.bin").remote()).isTrue();
    }

    @Test
    void malformed() {
        for (String bad : new String[] {"hf://onlyname?file=a", "hf://org/m", "ngc://org/team/model?file=a", "s3://bucket/key",
                "hf://org/m:?file=a", "hf://org/../m?file=a"}) {
            assertThatThrownBy(() -> SourceUri.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void describeNeverShowsAQueryString() {
        assertThat(RemoteFetcher.describe(SourceUri.parse("https://cdn.example.com/f.bin?X-Amz-Signature=SECRET")))
                .isEqualTo("https://cdn.example.com/f.bin");
    }
}
