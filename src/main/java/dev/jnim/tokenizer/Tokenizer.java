package dev.jnim.tokenizer;

import java.util.OptionalInt;

/**
 * jnim's view of a Hugging Face tokenizer: encode, decode, id ↔ token string and the model's special
 * tokens. Implementations are immutable after loading and safe to share between request threads.
 */
public interface Tokenizer extends AutoCloseable {

    /** Token ids of {@code text}; with {@code addSpecialTokens} the post-processor runs (e.g. adds BOS). */
    int[] encode(String text, boolean addSpecialTokens);

    /** Ids, token strings and UTF-16 offsets of {@code text}, as Rust {@code Tokenizer::encode}. */
    Encoding encodeDetailed(String text, boolean addSpecialTokens);

    /** Text of {@code ids} from the raw decoder (no clean-up of tokenization spaces). */
    default String decode(int[] ids, boolean skipSpecialTokens) {
        return decode(ids, 0, ids.length, skipSpecialTokens);
    }

    /** Text of {@code ids[from, to)} from the raw decoder; the streaming detokenizer's workhorse. */
    String decode(int[] ids, int from, int to, boolean skipSpecialTokens);

    /** The vocabulary string of {@code id} (e.g. {@code "Ġthe"}), or null when no token has that id. */
    String idToToken(int id);

    /** The id of vocabulary string {@code token}, if the vocabulary (or the added tokens) has it. */
    OptionalInt tokenToId(String token);

    /** Number of ids, added tokens included (largest id + 1). */
    int vocabSize();

    /** True when {@code id} is an added token marked {@code special} (skipped by skip-special decoding). */
    boolean isSpecial(int id);

    /** BOS/EOS/pad/unk and the model's image tokens. */
    SpecialTokens specialTokens();

    /** True when {@code tokenizer_config.json} asks transformers to clean up tokenization spaces. */
    boolean cleanUpTokenizationSpaces();

    /** Releases the native tokenizer; further calls fail. */
    @Override
    void close();
}
