package dev.jnim.tokenizer;

import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a model directory's tokenizer: {@code tokenizer.json} (or {@code tokenizer.json.gz}), special
 * tokens from {@code tokenizer_config.json}, and the EOS ids from {@code generation_config.json} and
 * {@code config.json} (an int or a list; vLLM stops on all of them).
 */
public final class TokenizerLoader {

    private static final Logger LOG = LoggerFactory.getLogger(TokenizerLoader.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerLoader() {
    }

    /** Loads with {@link TokenizerMode#AUTO}. */
    public static LoadedTokenizer load(Path modelDir) {
        return load(modelDir, TokenizerMode.AUTO);
    }

    /**
     * Loads the tokenizer of {@code modelDir}.
     *
     * @throws TokenizerException naming the file and field when the directory has no usable tokenizer
     */
    public static LoadedTokenizer load(Path modelDir, TokenizerMode mode) {
        if (mode == TokenizerMode.SLOW) {
            LOG.warn("{}=slow: jnim has no slow tokenizers; using the fast tokenizer (tokenizer.json) for every model",
                    TokenizerMode.ENV);
        }
        if (!Files.isDirectory(modelDir)) {
            throw new TokenizerException("model directory " + modelDir + " does not exist");
        }
        TokenizerConfig config = TokenizerConfig.read(modelDir);
        Path jinja = modelDir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinja)) {
            config = withDefaultTemplate(config, readString(jinja));
        }
        Path file = tokenizerFile(modelDir);
        String json = readTokenizerJson(file);
        Vocabulary vocabulary = Vocabulary.parse(json, file.toString());
        long handle = HfTokenizer.createNative(json, file.toString());
        SpecialTokens specials;
        try {
            specials = specialTokens(modelDir, config, vocabulary, handle);
        } catch (RuntimeException e) {
            TokenizersLibrary.LIB.deleteTokenizer(handle);
            throw e;
        }
        return new LoadedTokenizer(new HfTokenizer(handle, vocabulary, specials, config.cleanUpTokenizationSpaces()), config);
    }

    /** {@code tokenizer.json}, else {@code tokenizer.json.gz} (how the golden fixtures store it). */
    static Path tokenizerFile(Path dir) {
        Path plain = dir.resolve("tokenizer.json");
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve("tokenizer.json.gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new TokenizerException(dir + ": no tokenizer.json; jnim needs a fast (tokenizer.json) tokenizer"
                + " — a model with only a SentencePiece tokenizer.model must be converted first");
    }

    static String readTokenizerJson(Path file) {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TokenizerException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new TokenizerException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static TokenizerConfig withDefaultTemplate(TokenizerConfig config, String template) {
        Map<String, String> templates = new LinkedHashMap<>(config.chatTemplates());
        templates.put("default", template);
        return new TokenizerConfig(config.specialTokenStrings(), config.addBosToken(),
                config.cleanUpTokenizationSpaces(), templates);
    }

    private static SpecialTokens specialTokens(Path dir, TokenizerConfig config, Vocabulary vocab, long handle) {
        String bos = config.token("bos_token");
        String eos = config.token("eos_token");
        String pad = config.token("pad_token");
        String unk = config.token("unk_token");
        OptionalInt bosId = idOf(vocab, bos, "bos_token", dir);
        OptionalInt eosId = idOf(vocab, eos, "eos_token", dir);
        Set<Integer> eosIds = new LinkedHashSet<>();
        eosId.ifPresent(eosIds::add);
        eosIds.addAll(eosIdsFrom(dir.resolve("generation_config.json"), vocab));
        eosIds.addAll(eosIdsFrom(dir.resolve("config.json"), vocab));
        boolean addBos = config.addBosToken().orElseGet(() -> bosId.isPresent() && postProcessorAdds(handle, bosId.getAsInt()));
        Map<String, Integer> image = new LinkedHashMap<>();
        for (String name : SpecialTokens.IMAGE_TOKEN_NAMES) {
            vocab.id(name).ifPresent(id -> image.put(name, id));
        }
        return new SpecialTokens(bos, bosId, addBos, eos, new ArrayList<>(eosIds), pad,
                idOf(vocab, pad, "pad_token", dir), unk, idOf(vocab, unk, "unk_token", dir), image);
    }

    private static boolean postProcessorAdds(long handle, int bosId) {
        var lib = TokenizersLibrary.LIB;
        long encoding = lib.encode(handle, "", true);
        try {
            long[] ids = lib.getTokenIds(encoding);
            return ids.length > 0 && ids[0] == bosId;
        } finally {
            lib.deleteEncoding(encoding);
        }
    }

    private static OptionalInt idOf(Vocabulary vocab, String token, String field, Path dir) {
        if (token == null) {
            return OptionalInt.empty();
        }
        OptionalInt id = vocab.id(token);
        if (id.isEmpty()) {
            throw new TokenizerException(dir.resolve(TokenizerConfig.FILE) + ": " + field + " '" + token
                    + "' is not in the vocabulary of tokenizer.json");
        }
        return id;
    }

    /** {@code eos_token_id} of a JSON file (top level, else {@code text_config}), an int or a list of ints. */
    private static List<Integer> eosIdsFrom(Path file, Vocabulary vocab) {
        List<Integer> ids = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return ids;
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new TokenizerException(file + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode node = root.get("eos_token_id");
        if ((node == null || node.isNull()) && root.has("text_config")) {
            node = root.get("text_config").get("eos_token_id");
        }
        if (node == null || node.isNull()) {
            return ids;
        }
        if (node.isArray()) {
            node.forEach(n -> ids.add(checkedId(n, file, vocab)));
        } else {
            ids.add(checkedId(node, file, vocab));
        }
        return ids;
    }

    private static int checkedId(JsonNode n, Path file, Vocabulary vocab) {
        if (!n.canConvertToInt() || n.intValue() < 0 || n.intValue() >= vocab.size()) {
            throw new TokenizerException(file + ": eos_token_id " + n + " is not a token id of this vocabulary");
        }
        return n.intValue();
    }
}
