package dev.jnim.tokenizer;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Tokenizer room throughput: {@code encode} of exactly 1 MiB (UTF-8) of deterministic mixed-language
 * text (so ops/s = MiB/s), streaming detokenization of its ids, and chat-template rendering of a 20-turn
 * conversation. Tokenizers come from the golden copy in the test resources.
 * Run: {@code ./jnim bench jmh Tokenizer -f 1 -wi 2 -i 3}.
 */
@State(Scope.Benchmark)
public class TokenizerBenchmark {

    static final int TEXT_BYTES = 1 << 20;

    private static final String[] PIECES = {
        "The quick brown fox jumps over the lazy dog. ", "Inference servers batch requests continuously; ",
        "Le modèle génère une réponse très précise. ", "Der schnelle braune Fuchs springt über den Hund. ",
        "Быстрая коричневая лиса прыгает через ленивую собаку. ", "快速的棕色狐狸跳过了懒狗。",
        "視覚言語モデルは画像とテキストを理解します。", "القط الأسود يجلس على السجادة. ", "नमस्ते दुनिया, यह एक परीक्षण है। ",
        "for (int i = 0; i < n; i++) { sum += a[i] * b[i]; }\n", "{\"role\": \"user\", \"content\": \"hi\"}\n",
        "3.14159 2718 1_000_000 0x7fff ", "😀👍🏽🚀 ", "\n\n", "    indented line\n", "<|im_start|>user\n",
    };

    @Param({"qwen3", "llama3", "gemma3"})
    public String tokenizerName;

    private LoadedTokenizer loaded;
    private String text;
    private int[] ids;
    private ChatTemplate template;
    private List<Map<String, Object>> conversation;

    @Setup(Level.Trial)
    public void setUp() throws URISyntaxException {
        Path root = Path.of(TokenizerBenchmark.class.getResource("/golden/tokenizers/README.md").toURI()).getParent();
        loaded = TokenizerLoader.load(root.resolve(tokenizerName));
        text = mixedText(TEXT_BYTES, 42);
        ids = loaded.tokenizer().encode(text, false);
        template = ChatTemplate.fromConfig(loaded.config(), null, false);
        conversation = conversation(20);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loaded.close();
    }

    /** Exactly {@code bytes} UTF-8 bytes of shuffled pieces; ASCII spaces pad the cut at the end. */
    static String mixedText(int bytes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder(bytes);
        int size = 0;
        while (true) {
            String piece = PIECES[random.nextInt(PIECES.length)];
            int pieceBytes = piece.getBytes(StandardCharsets.UTF_8).length;
            if (size + pieceBytes > bytes) {
                break;
            }
            b.append(piece);
            size += pieceBytes;
        }
        return b.append(" ".repeat(bytes - size)).toString();
    }

    /** {@code turns} user/assistant messages after a system prompt, with paragraphs of a few hundred characters. */
    static List<Map<String, Object>> conversation(int turns) {
        List<Map<String, Object>> messages = new ArrayList<>();
        messages.add(Map.of("role", "system", "content", "You are a helpful assistant. Answer briefly."));
        for (int i = 0; i < turns; i++) {
            String role = i % 2 == 0 ? "user" : "assistant";
            messages.add(Map.of("role", role, "content", mixedText(300, i)));
        }
        return messages;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int encode1MiB() {
        return loaded.tokenizer().encode(text, false).length;
    }

    /** Streams the ids of the 1 MiB text one at a time; divide ops/s into ids.length for tokens/s. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int streamDetokenize1MiB() {
        var detok = new IncrementalDetokenizer(loaded.tokenizer(), true);
        int chars = 0;
        for (int id : ids) {
            chars += detok.add(id).length();
        }
        return chars + detok.finish().length();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public String renderChat20Turns() {
        return template.apply(conversation, true, null, null);
    }
}
