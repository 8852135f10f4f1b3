package dev.jnim.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * id ↔ token string of a {@code tokenizer.json}: the model's vocabulary plus {@code added_tokens}, and
 * which ids are special. The native library has no lookup calls, so jnim reads them itself, streaming
 * (a Gemma 3 {@code tokenizer.json} is 33 MB).
 */
final class Vocabulary {

    private final String[] tokens;
    private final Map<String, Integer> ids;
    private final BitSet special;

    private Vocabulary(String[] tokens, Map<String, Integer> ids, BitSet special) {
        this.tokens = tokens;
        this.ids = ids;
        this.special = special;
    }

    String token(int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : null;
    }

    OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    int size() {
        return tokens.length;
    }

    boolean isSpecial(int id) {
        return special.get(id);
    }

    /** Reads {@code model.vocab} (object for BPE/WordPiece/WordLevel, list of [piece, score] for Unigram) and {@code added_tokens}. */
    static Vocabulary parse(String json, String source) {
        Map<String, Integer> ids = new HashMap<>(1 << 17);
        Map<String, Integer> added = new HashMap<>();
        BitSet special = new BitSet();
        boolean sawVocab = false;
        try (JsonParser p = new JsonFactory().createParser(json)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, source, "top level is not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "model" -> sawVocab = readModel(p, ids, source);
                    case "added_tokens" -> readAddedTokens(p, added, special, source);
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new TokenizerException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        expect(sawVocab, source, "no model.vocab");
        // Added tokens win over a vocab entry with the same string or id, as the Rust AddedVocabulary does.
        ids.putAll(added);
        int size = 0;
        for (int id : ids.values()) {
            size = Math.max(size, id + 1);
        }
        String[] tokens = new String[size];
        ids.forEach((token, id) -> tokens[id] = token);
        added.forEach((token, id) -> tokens[id] = token);
        return new Vocabulary(tokens, ids, special);
    }

    private static boolean readModel(JsonParser p, Map<String, Integer> ids, String source) throws IOException {
        expect(p.currentToken() == JsonToken.START_OBJECT, source, "model is not an object");
        boolean sawVocab = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (!field.equals("vocab")) {
                p.skipChildren();
            } else if (value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String token = p.currentName();
                    p.nextToken();
                    ids.put(token, p.getIntValue());
                }
                sawVocab = true;
            } else if (value == JsonToken.START_ARRAY) {
                int id = 0;
                while (p.nextToken() == JsonToken.START_ARRAY) { // Unigram: [piece, score]
                    p.nextToken();
                    ids.put(p.getText(), id++);
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        p.skipChildren();
                    }
                }
                sawVocab = true;
            } else {
                throw new TokenizerException(source + ": model.vocab is neither an object nor a list");
            }
        }
        return sawVocab;
    }

    private static void readAddedTokens(JsonParser p, Map<String, Integer> ids, BitSet special, String source)
            throws IOException {
        expect(p.currentToken() == JsonToken.START_ARRAY, source, "added_tokens is not a list");
        while (p.nextToken() == JsonToken.START_OBJECT) {
            Integer id = null;
            String content = null;
            boolean isSpecial = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "id" -> id = p.getIntValue();
                    case "content" -> content = p.getText();
                    case "special" -> isSpecial = p.getBooleanValue();
                    default -> p.skipChildren();
                }
            }
            expect(id != null && content != null, source, "an added_tokens entry lacks id or content");
            ids.put(content, id);
            if (isSpecial) {
                special.set(id);
            }
        }
    }

    private static void expect(boolean condition, String source, String what) {
        if (!condition) {
            throw new TokenizerException(source + ": " + what);
        }
    }
}
