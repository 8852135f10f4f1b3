package dev.jnim.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the goldens' byte-level tokenizer (a BPE vocabulary with id = byte and no merges) with added tokens
 * from id 256 on, plus a {@code tokenizer_config.json}: what the golden VLM cases were tokenised with.
 */
final class ByteLevelTokenizer {

    /** An added token; {@code special} ones are skipped when decoding. */
    record Added(String content, boolean special) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private ByteLevelTokenizer() {
    }

    static void write(Path dir, List<Added> added, ObjectNode tokenizerConfig) throws Exception {
        ObjectNode t = JSON.createObjectNode();
        t.put("version", "1.0");
        ArrayNode tokens = t.putArray("added_tokens");
        for (int i = 0; i < added.size(); i++) {
            tokens.addObject().put("id", 256 + i).put("content", added.get(i).content()).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false)
                    .put("special", added.get(i).special());
        }
        t.putNull("normalizer");
        t.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", false);
        t.putNull("post_processor");
        t.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", false);
        ObjectNode model = t.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout").putNull("unk_token").putNull("continuing_subword_prefix").putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        // GPT-2's byte-to-character map, which a ByteLevel pre-tokenizer applies before the vocabulary.
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean direct = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
            vocab.put(String.valueOf(direct ? (char) b : (char) (256 + n++)), b);
        }
        model.putArray("merges");
        Files.writeString(dir.resolve("tokenizer.json"), JSON.writeValueAsString(t));
        Files.writeString(dir.resolve("tokenizer_config.json"), JSON.writeValueAsString(tokenizerConfig));
    }

    static ObjectNode config() {
        return JSON.createObjectNode();
    }
}
