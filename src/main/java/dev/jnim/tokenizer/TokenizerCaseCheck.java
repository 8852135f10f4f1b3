package dev.jnim.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks one {@code <tokenizer>/cases.jsonl} line: ids and token strings with and without special
 * tokens, UTF-16 offsets, id → token lookups, the four raw decodes, transformers' clean-up decode, and
 * that streaming the ids through {@link IncrementalDetokenizer} gives the same text as {@code decode}.
 */
final class TokenizerCaseCheck {

    private TokenizerCaseCheck() {
    }

    /** Returns the mismatches (empty when the case passes). */
    static List<String> check(Tokenizer tok, JsonNode c) {
        List<String> out = new ArrayList<>();
        String text = c.get("text").asText();
        Encoding plain = tok.encodeDetailed(text, false);
        compare(out, "ids", ints(c.get("ids")), plain.ids());
        compare(out, "tokens", strings(c.get("tokens")), plain.tokens());
        String[] looked = new String[plain.size()];
        for (int i = 0; i < looked.length; i++) {
            looked[i] = tok.idToToken(plain.ids()[i]);
        }
        compare(out, "idToToken(ids)", strings(c.get("tokens")), looked);
        if (c.has("offsets_utf16")) {
            int[][] expected = pairs(c.get("offsets_utf16"));
            int[][] actual = new int[plain.size()][];
            for (int i = 0; i < actual.length; i++) {
                actual[i] = new int[] {plain.starts()[i], plain.ends()[i]};
            }
            if (!Arrays.deepEquals(expected, actual)) {
                out.add(CaseMismatch.describe("offsets_utf16", Arrays.deepToString(expected), Arrays.deepToString(actual)));
            }
        }
        Encoding special = tok.encodeDetailed(text, true);
        compare(out, "ids_with_special", ints(c.get("ids_with_special")), special.ids());
        compare(out, "tokens_with_special", strings(c.get("tokens_with_special")), special.tokens());
        int[] ids = ints(c.get("ids"));
        int[] idsSpecial = ints(c.get("ids_with_special"));
        compareText(out, c, "decode", tok.decode(ids, false));
        compareText(out, c, "decode_skip_special", tok.decode(ids, true));
        compareText(out, c, "decode_with_special", tok.decode(idsSpecial, false));
        compareText(out, c, "decode_with_special_skip_special", tok.decode(idsSpecial, true));
        if (c.has("decode_clean_up_tokenization_spaces")) {
            compareText(out, c, "decode_clean_up_tokenization_spaces", TokenizationSpaces.cleanUp(tok.decode(ids, false)));
        }
        compareText(out, c, "decode", "streamed ", stream(tok, ids, false));
        compareText(out, c, "decode_with_special_skip_special", "streamed ", stream(tok, idsSpecial, true));
        return out;
    }

    /** Feeds {@code ids} one at a time, as the engine does while generating. */
    private static String stream(Tokenizer tok, int[] feed, boolean skip) {
        var detok = new IncrementalDetokenizer(tok, skip);
        StringBuilder b = new StringBuilder();
        for (int id : feed) {
            b.append(detok.add(id));
        }
        return b.append(detok.finish()).toString();
    }

    private static void compareText(List<String> out, JsonNode c, String field, String actual) {
        compareText(out, c, field, "", actual);
    }

    private static void compareText(List<String> out, JsonNode c, String field, String label, String actual) {
        if (!c.has(field)) {
            return;
        }
        String expected = c.get(field).asText();
        if (!expected.equals(actual)) {
            out.add(CaseMismatch.describe(label + field, expected, actual));
        }
    }

    private static void compare(List<String> out, String field, int[] expected, int[] actual) {
        if (!Arrays.equals(expected, actual)) {
            out.add(CaseMismatch.describe(field, Arrays.toString(expected), Arrays.toString(actual)));
        }
    }

    private static void compare(List<String> out, String field, String[] expected, String[] actual) {
        if (!Arrays.equals(expected, actual)) {
            out.add(CaseMismatch.describe(field, Arrays.toString(expected), Arrays.toString(actual)));
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    private static String[] strings(JsonNode array) {
        String[] out = new String[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asText();
        }
        return out;
    }

    private static int[][] pairs(JsonNode array) {
        int[][] out = new int[array.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new int[] {array.get(i).get(0).intValue(), array.get(i).get(1).intValue()};
        }
        return out;
    }
}
