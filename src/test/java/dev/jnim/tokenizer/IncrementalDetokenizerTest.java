package dev.jnim.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The golden test streams every golden case; these pin the individual behaviours. */
class IncrementalDetokenizerTest {

    private static LoadedTokenizer qwen;
    private static LoadedTokenizer mistral;

    @BeforeAll
    static void load() throws Exception {
        qwen = TokenizerLoader.load(TokenizerLoaderTest.golden("qwen3"));
        mistral = TokenizerLoader.load(TokenizerLoaderTest.golden("mistral_v0_1"));
    }

    @AfterAll
    static void close() {
        qwen.close();
        mistral.close();
    }

    private static List<String> deltas(Tokenizer t, int[] ids, boolean skip) {
        var d = new IncrementalDetokenizer(t, skip);
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(d.add(id));
        }
        out.add(d.finish());
        return out;
    }

    @Test
    void byteLevelCharacterSplitAcrossTokensIsHeldUntilComplete() {
        Tokenizer t = qwen.tokenizer();
        String text = "a 𓀀𓀁 ꙮ b";
        int[] ids = t.encode(text, false);
        List<String> out = deltas(t, ids, false);
        assertThat(ids.length).isGreaterThan(text.codePointCount(0, text.length())); // some characters span tokens
        assertThat(out).noneMatch(s -> s.contains("\uFFFD"));
        assertThat(out).contains(""); // something was held back
        assertThat(String.join("", out)).isEqualTo(text);
    }

    @Test
    void sentencePieceLeadingSpacesAndByteFallback() {
        Tokenizer t = mistral.tokenizer();
        String text = "Hello world, ☃ 𝔘 done";
        int[] ids = t.encode(text, true);
        List<String> out = deltas(t, ids, true);
        assertThat(out).noneMatch(s -> s.contains("\uFFFD"));
        assertThat(out.get(1)).isEqualTo("Hello"); // first word: the decoder strips the prefix space
        assertThat(out.get(2)).isEqualTo(" world"); // later words keep it
        assertThat(String.join("", out)).isEqualTo(t.decode(ids, true)).isEqualTo(text);
    }

    @Test
    void specialTokensFollowTheSkipSetting() {
        Tokenizer t = qwen.tokenizer();
        int[] ids = t.encode("<|im_start|>assistant\nHi<|im_end|>", false);
        assertThat(String.join("", deltas(t, ids, true))).isEqualTo("assistant\nHi");
        assertThat(String.join("", deltas(t, ids, false))).isEqualTo("<|im_start|>assistant\nHi<|im_end|>");
    }

    @Test
    void invalidBytesAtTheEndComeOutOnFinish() {
        Tokenizer t = qwen.tokenizer();
        int[] ids = t.encode("ok 𓀀", false);
        int[] truncated = java.util.Arrays.copyOf(ids, ids.length - 1); // cut inside the emoji's bytes
        var d = new IncrementalDetokenizer(t, false);
        StringBuilder b = new StringBuilder();
        for (int id : truncated) {
            b.append(d.add(id));
        }
        assertThat(b.toString()).doesNotContain("\uFFFD");
        b.append(d.finish());
        assertThat(b.toString()).isEqualTo(t.decode(truncated, false)).endsWith("\uFFFD");
        assertThat(d.tokenCount()).isEqualTo(truncated.length);
    }

    @Test
    void longStreamMatchesFullDecode() {
        Tokenizer t = qwen.tokenizer();
        String text = "Streaming: ".repeat(50) + "héllo wörld 你好世界 😀👍 end";
        int[] ids = t.encode(text, false);
        assertThat(String.join("", deltas(t, ids, false))).isEqualTo(t.decode(ids, false));
    }
}
