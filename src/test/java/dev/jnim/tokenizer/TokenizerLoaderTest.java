package dev.jnim.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class TokenizerLoaderTest {

    @TempDir
    Path tmp;

    static Path golden(String name) throws Exception {
        return GoldenTokenizersTest.goldenRoot().resolve(name);
    }

    /** A model directory holding a copy of golden tokenizer {@code name}. */
    private Path modelDir(String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (String f : List.of("tokenizer.json.gz", "tokenizer_config.json")) {
            Files.copy(golden(name).resolve(f), dir.resolve(f));
        }
        return dir;
    }

    @Test
    void qwenVocabularySpecialAndImageTokens() throws Exception {
        try (LoadedTokenizer loaded = TokenizerLoader.load(golden("qwen3"))) {
            Tokenizer t = loaded.tokenizer();
            assertThat(t.vocabSize()).isEqualTo(151669);
            assertThat(t.idToToken(151655)).isEqualTo("<|image_pad|>");
            assertThat(t.tokenToId("<|vision_start|>")).hasValue(151652);
            assertThat(t.idToToken(220)).isEqualTo("Ġ");
            assertThat(t.idToToken(-1)).isNull();
            assertThat(t.idToToken(10_000_000)).isNull();
            assertThat(t.isSpecial(151645)).isTrue();
            assertThat(t.isSpecial(220)).isFalse();
            SpecialTokens s = t.specialTokens();
            assertThat(s.eosToken()).isEqualTo("<|im_end|>");
            assertThat(s.eosIds()).containsExactly(151645);
            assertThat(s.isEos(151645)).isTrue();
            assertThat(s.padId()).hasValue(151643);
            assertThat(s.bosId()).isEmpty();
            assertThat(s.addBosToken()).isFalse();
            assertThat(s.imageTokens()).containsEntry("<|image_pad|>", 151655)
                    .containsEntry("<|vision_start|>", 151652).containsEntry("<|vision_end|>", 151653);
            assertThat(loaded.config().chatTemplates()).containsKey("default");
        }
    }

    @Test
    void mllamaImageTokenAndBos() throws Exception {
        try (LoadedTokenizer loaded = TokenizerLoader.load(golden("llama3_2_vision_derived"))) {
            SpecialTokens s = loaded.tokenizer().specialTokens();
            assertThat(s.imageToken("<|image|>")).hasValue(128256);
            assertThat(s.bosId()).hasValue(128000);
            assertThat(s.addBosToken()).isTrue();
            assertThat(loaded.tokenizer().encode("Hi", true)).startsWith(128000);
            assertThat(loaded.tokenizer().encode("Hi", false)).doesNotContain(128000);
            assertThat(loaded.tokenizer().cleanUpTokenizationSpaces()).isTrue();
        }
    }

    @Test
    void eosIdsComeFromGenerationConfigAndConfigToo() throws Exception {
        Path dir = modelDir("llama3_rev2");
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [128001, 128009]}");
        Files.writeString(dir.resolve("config.json"), "{\"text_config\": {\"eos_token_id\": 128008}}");
        try (LoadedTokenizer loaded = TokenizerLoader.load(dir)) {
            assertThat(loaded.tokenizer().specialTokens().eosIds()).containsExactly(128009, 128001, 128008);
        }
    }

    @Test
    void eosIdOutsideTheVocabularyIsRejectedNamingTheFile() throws Exception {
        Path dir = modelDir("mistral_v0_1");
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": 99999999}");
        assertThatThrownBy(() -> TokenizerLoader.load(dir)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("generation_config.json").hasMessageContaining("eos_token_id");
    }

    @Test
    void missingDirectory() {
        assertThatThrownBy(() -> TokenizerLoader.load(tmp.resolve("nope"))).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void directoryWithoutTokenizerJson() throws IOException {
        Files.writeString(tmp.resolve("tokenizer.model"), "sentencepiece");
        assertThatThrownBy(() -> TokenizerLoader.load(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("no tokenizer.json");
    }

    @Test
    void tokenizerJsonThatIsNotJson() throws IOException {
        Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": ");
        assertThatThrownBy(() -> TokenizerLoader.load(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("tokenizer.json").hasMessageContaining("not valid JSON");
    }

    @Test
    void tokenizerJsonWithoutVocabulary() throws IOException {
        Files.writeString(tmp.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\"}}");
        assertThatThrownBy(() -> TokenizerLoader.load(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("tokenizer.json").hasMessageContaining("model.vocab");
    }

    @Test
    void tokenizerJsonTheLibraryRejects() throws IOException {
        Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": {\"type\": \"Nonsense\", \"vocab\": {\"a\": 0}}}");
        assertThatThrownBy(() -> TokenizerLoader.load(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("tokenizer.json").hasMessageContaining("rejected");
    }

    @Test
    void specialTokenMissingFromVocabularyNamesTheField() throws Exception {
        Path dir = modelDir("mistral_v0_1");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<nope>\"}");
        assertThatThrownBy(() -> TokenizerLoader.load(dir)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("tokenizer_config.json").hasMessageContaining("bos_token '<nope>'");
    }

    @Test
    void chatTemplateListAndJinjaFile() throws Exception {
        Path dir = modelDir("mistral_v0_1");
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"bos_token": {"content": "<s>", "__type": "AddedToken"}, "eos_token": "</s>",
                 "chat_template": [{"name": "default", "template": "D{{ bos_token }}"},
                                   {"name": "tool_use", "template": "T{{ tools | length }}"}]}""");
        try (LoadedTokenizer loaded = TokenizerLoader.load(dir)) {
            TokenizerConfig config = loaded.config();
            assertThat(config.token("bos_token")).isEqualTo("<s>");
            assertThat(ChatTemplate.fromConfig(config, null, false).apply(List.of(), false, null, null)).isEqualTo("D<s>");
            assertThat(ChatTemplate.fromConfig(config, null, true).apply(List.of(), false, List.of(Map.of()), null)).isEqualTo("T1");
            assertThat(ChatTemplate.fromConfig(config, "default", true).name()).isEqualTo("default");
            assertThatThrownBy(() -> ChatTemplate.fromConfig(config, "rag", false))
                    .isInstanceOf(ChatTemplateException.class).hasMessageContaining("no template named 'rag'");
        }
        Files.writeString(dir.resolve("chat_template.jinja"), "J{{ eos_token }}\n");
        try (LoadedTokenizer loaded = TokenizerLoader.load(dir)) {
            assertThat(ChatTemplate.fromConfig(loaded.config(), null, false).apply(List.of(), false, null, null)).isEqualTo("J</s>");
        }
    }

    @Test
    void slowModeWarnsThatTheFastTokenizerIsUsed() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(TokenizerLoader.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try (LoadedTokenizer loaded = TokenizerLoader.load(golden("mistral_v0_1"), TokenizerMode.SLOW)) {
            assertThat(loaded.tokenizer().encode("Hello", false)).isNotEmpty();
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(appender.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains("NIM_TOKENIZER_MODE=slow").contains("fast tokenizer");
        });
    }

    @Test
    void hostileInputDoesNotCrash() throws Exception {
        try (LoadedTokenizer loaded = TokenizerLoader.load(golden("qwen3"))) {
            Tokenizer t = loaded.tokenizer();
            int hello = t.encode("Hello", false)[0];
            // Unknown ids are skipped by the Rust decoder, as in Python.
            assertThat(t.decode(new int[] {-1, 99_999_999, hello}, false)).isEqualTo("Hello");
            // A lone surrogate (valid in JSON "\ud800", invalid UTF-8) still encodes.
            assertThat(t.encode("a\uD800b", false)).hasSize(3);
            assertThat(t.encode("a\u0000b", false)).hasSize(3);
        }
    }

    @Test
    void closedTokenizerRefusesWork() throws Exception {
        LoadedTokenizer loaded = TokenizerLoader.load(golden("mistral_v0_1"));
        loaded.close();
        loaded.close(); // idempotent
        assertThatThrownBy(() -> loaded.tokenizer().encode("x", false)).isInstanceOf(IllegalStateException.class);
    }
}
