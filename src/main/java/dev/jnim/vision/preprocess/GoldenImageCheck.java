package dev.jnim.vision.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.tensor.Npy;
import dev.jnim.vision.DecodedImage;
import dev.jnim.vision.ImageDecoder;
import dev.jnim.vision.ImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** One image case of a golden settings folder: decode, process, expand, compare; collects the problems. */
final class GoldenImageCheck {

    private static final int IMAGE_TOKEN_ID = -1;
    private static final String[] SPECIAL = {MllamaPromptExpander.IMAGE, MllamaPromptExpander.BOS};

    private final Path folder;
    private final JsonNode result;
    private final ImageProcessor processor;
    private final PromptExpander expander;
    private final ImageDecoder decoder;
    private final List<String> problems = new ArrayList<>();
    private boolean bitExact = true;

    GoldenImageCheck(Path folder, JsonNode result, ImageProcessor processor, PromptExpander expander, ImageDecoder decoder) {
        this.folder = folder;
        this.result = result;
        this.processor = processor;
        this.expander = expander;
        this.decoder = decoder;
    }

    boolean bitExact() {
        return bitExact;
    }

    List<String> run() throws IOException {
        DecodedImage image;
        try {
            image = decoder.decode(Files.readAllBytes(folder.resolve(result.path("image_file").asText())));
        } catch (ImageException e) {
            problems.add("decode failed: " + e.getMessage());
            return problems;
        }
        ProcessedImage out;
        try {
            out = processor.process(image);
        } catch (ImageException e) {
            String expected = result.path("error").asText(null);
            if (expected == null) {
                problems.add("unexpected error: " + e.referenceError());
            } else if (!expected.equals(e.referenceError())) {
                problems.add("error '" + e.referenceError() + "', expected '" + expected + "'");
            }
            return problems;
        }
        if (result.has("error")) {
            problems.add("expected error '" + result.path("error").asText() + "' but processing succeeded");
            return problems;
        }
        JsonNode outputs = result.path("outputs");
        for (var it = outputs.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().isArray()) {
                checkRowsCols(e.getKey(), e.getValue(), out.layout());
            } else {
                NdArray mine = out.array(e.getKey());
                if (mine == null) {
                    problems.add(e.getKey() + ": not produced");
                } else {
                    checkArray(mine, e.getValue());
                }
            }
        }
        for (NdArray a : out.arrays()) {
            if (!outputs.has(a.name())) {
                problems.add(a.name() + ": produced but the reference has no such output");
            }
        }
        checkPrompt(out.layout());
        return problems;
    }

    private void checkRowsCols(String key, JsonNode expected, ImageLayout layout) {
        int want = expected.path(0).path(0).asInt(-1);
        int got = switch (layout) {
            case ImageLayout.Tiles t when key.equals("rows") -> t.rows();
            case ImageLayout.Tiles t when key.equals("cols") -> t.cols();
            default -> -2;
        };
        if (want != got) {
            problems.add(key + " = " + got + ", expected " + want);
        }
    }

    private void checkPrompt(ImageLayout layout) {
        if (!result.has("prompt")) {
            return;
        }
        String expanded = expander.expand(result.path("prompt").asText(), List.of(layout));
        if (result.has("expanded_prompt_rle")) {
            StringBuilder want = new StringBuilder();
            for (JsonNode run : result.path("expanded_prompt_rle")) {
                want.append(run.path(0).asText().repeat(run.path(1).asInt()));
            }
            if (!want.toString().equals(expanded)) {
                problems.add("expanded prompt differs: got " + abbreviate(expanded) + ", expected " + abbreviate(want.toString()));
            }
        }
        if (result.has("num_image_tokens") && result.path("num_image_tokens").asInt() != expander.imageTokens(layout)) {
            problems.add("num_image_tokens = " + expander.imageTokens(layout) + ", expected " + result.path("num_image_tokens").asInt());
        }
        if (result.has("cross_attention_mask") && layout instanceof ImageLayout.Canvas canvas) {
            JsonNode want = result.path("cross_attention_mask");
            int maxTiles = want.path(0).path(0).path(0).size();
            long[] got = MllamaPromptExpander.crossAttentionMask(byteTokens(expanded), IMAGE_TOKEN_ID,
                    new int[] {canvas.numTiles()}, maxTiles);
            List<Long> flat = new ArrayList<>();
            flatten(want, flat);
            long[] wantFlat = flat.stream().mapToLong(Long::longValue).toArray();
            if (!Arrays.equals(got, wantFlat)) {
                problems.add("cross_attention_mask differs: got " + Arrays.toString(got) + ", expected " + Arrays.toString(wantFlat));
            }
        }
    }

    /** The goldens' byte-level tokenizer: special tokens are one id each, any other text one id per UTF-8 byte. */
    private static int[] byteTokens(String text) {
        List<Integer> ids = new ArrayList<>();
        int i = 0;
        outer:
        while (i < text.length()) {
            for (String s : SPECIAL) {
                if (text.startsWith(s, i)) {
                    ids.add(s.equals(MllamaPromptExpander.IMAGE) ? IMAGE_TOKEN_ID : -2);
                    i += s.length();
                    continue outer;
                }
            }
            int cp = text.codePointAt(i);
            for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                ids.add(b & 0xFF);
            }
            i += Character.charCount(cp);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void flatten(JsonNode n, List<Long> out) {
        if (n.isArray()) {
            for (JsonNode c : n) {
                flatten(c, out);
            }
        } else {
            out.add(n.asLong());
        }
    }

    private void checkArray(NdArray mine, JsonNode spec) throws IOException {
        String name = mine.name();
        int[] shape = new int[spec.path("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = spec.path("shape").path(i).asInt();
        }
        if (!Arrays.equals(shape, mine.shape())) {
            problems.add(name + ": shape " + Arrays.toString(mine.shape()) + ", expected " + Arrays.toString(shape));
            return;
        }
        boolean wantFloat = spec.path("dtype").asText().startsWith("float");
        if (wantFloat != mine.isFloat()) {
            problems.add(name + ": dtype differs from " + spec.path("dtype").asText());
            return;
        }
        double tol = mine.isFloat() ? oneLevel() : 0.0;
        if (spec.has("count_true")) {
            long ones = 0;
            for (int i = 0; i < mine.size(); i++) {
                ones += mine.get(i) != 0 ? 1 : 0;
            }
            if (ones != spec.path("count_true").asLong()) {
                problems.add(name + ": " + ones + " true, expected " + spec.path("count_true").asLong());
            }
            return;
        }
        if (spec.path("stored").asText().equals("whole")) {
            Npy want = Npy.read(folder.resolve(spec.path("file").asText()));
            compareElements(name, mine, want.floats() != null ? toDoubles(want.floats()) : toDoubles(want.longs()), null, tol);
            return;
        }
        if (sha256(mine).equals(spec.path("sha256").asText())) {
            return;
        }
        bitExact = false;
        if (!mine.isFloat()) {
            problems.add(name + ": sha256 differs (integer arrays must be exact)");
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < mine.size(); i++) {
            double v = mine.get(i);
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (Math.abs(sum - spec.path("sum").asDouble()) > tol * mine.size() || Math.abs(min - spec.path("min").asDouble()) > tol
                || Math.abs(max - spec.path("max").asDouble()) > tol) {
            problems.add(name + String.format(": statistics differ (sum %.6g vs %.6g, min %.6g vs %.6g, max %.6g vs %.6g)",
                    sum, spec.path("sum").asDouble(), min, spec.path("min").asDouble(), max, spec.path("max").asDouble()));
        }
        Npy idx = Npy.read(folder.resolve(spec.path("sample_flat_index").path("file").asText()));
        Npy val = Npy.read(folder.resolve(spec.path("sample_values").path("file").asText()));
        compareElements(name + " samples", mine, val.floats() != null ? toDoubles(val.floats()) : toDoubles(val.longs()),
                idx.longs(), tol);
    }

    /** Compares {@code want[i]} with {@code mine[index[i]]} (or {@code mine[i]} when index is null). */
    private void compareElements(String name, NdArray mine, double[] want, long[] index, double tol) {
        if (index == null && want.length != mine.size()) {
            problems.add(name + ": " + mine.size() + " values, expected " + want.length);
            return;
        }
        double maxAbs = 0;
        int differing = 0;
        int firstBad = -1;
        for (int i = 0; i < want.length; i++) {
            int at = index == null ? i : (int) index[i];
            double d = Math.abs(mine.get(at) - want[i]);
            if (d != 0) {
                differing++;
                bitExact = false;
            }
            if (d > tol && firstBad < 0) {
                firstBad = at;
            }
            maxAbs = Math.max(maxAbs, d);
        }
        if (maxAbs > tol) {
            problems.add(String.format("%s: %d of %d values differ, max |diff| %.4g > tol %.4g (first at flat index %d)",
                    name, differing, want.length, maxAbs, tol, firstBad));
        }
    }

    /** One uint8 level after rescale and normalisation: the README's tolerance for pixel values. */
    private double oneLevel() {
        Normalizer n = switch (processor) {
            case Idefics3ImageProcessor p -> p.normalizer();
            case ClipImageProcessor p -> p.normalizer();
            case Qwen2VlImageProcessor p -> p.normalizer();
            case MllamaImageProcessor p -> p.normalizer();
        };
        double level = n.rescale() ? n.rescaleFactor() : 1.0;
        double minStd = 1.0;
        if (n.normalize()) {
            for (float s : n.std()) {
                minStd = Math.min(minStd, s);
            }
        }
        // One level plus float32 rounding of the normalised value.
        return level / minStd * (1 + 1e-5);
    }

    static String sha256(NdArray a) {
        ByteBuffer buf = ByteBuffer.allocate(a.size() * (a.isFloat() ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
        if (a.isFloat()) {
            buf.asFloatBuffer().put(a.floats());
        } else {
            buf.asLongBuffer().put(a.longs());
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(buf.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[] toDoubles(long[] l) {
        double[] d = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            d[i] = l[i];
        }
        return d;
    }

    private static String abbreviate(String s) {
        String t = s.replace("\n", "\\n");
        return t.length() <= 160 ? t : t.substring(0, 80) + "..." + t.substring(t.length() - 60) + " (" + t.length() + " chars)";
    }
}
