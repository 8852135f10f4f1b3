package dev.jnim.vision.preprocess;

import com.fasterxml.jackson.databind.JsonNode;

/** Typed reads of a {@code preprocessor_config.json}, with the HF class's default when a key is absent. */
record ProcessorConfig(JsonNode json) {

    String type() {
        return json.path("image_processor_type").asText("");
    }

    boolean bool(String key, boolean dflt) {
        JsonNode n = json.get(key);
        return n == null || n.isNull() ? dflt : n.asBoolean();
    }

    int integer(String key, int dflt) {
        JsonNode n = json.get(key);
        return n == null || n.isNull() ? dflt : n.asInt();
    }

    double number(String key, double dflt) {
        JsonNode n = json.get(key);
        return n == null || n.isNull() ? dflt : n.asDouble();
    }

    /** {@code json[key][sub]}, or {@code dflt}; {@code -1} means "absent" for callers that branch on presence. */
    int sizeEntry(String key, String sub, int dflt) {
        JsonNode n = json.path(key).get(sub);
        return n == null || n.isNull() ? dflt : n.asInt();
    }

    boolean has(String key, String sub) {
        return json.path(key).has(sub);
    }

    ResampleFilter resample(ResampleFilter dflt) {
        JsonNode n = json.get("resample");
        return n == null || n.isNull() ? dflt : ResampleFilter.ofPil(n.asInt());
    }

    Normalizer normalizer(double[] defaultMean, double[] defaultStd) {
        return Normalizer.of(bool("do_rescale", true), number("rescale_factor", 1.0 / 255),
                bool("do_normalize", true), doubles("image_mean", defaultMean), doubles("image_std", defaultStd));
    }

    private double[] doubles(String key, double[] dflt) {
        JsonNode n = json.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (n.isNumber()) {
            return new double[] {n.asDouble(), n.asDouble(), n.asDouble()};
        }
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asDouble();
        }
        return out;
    }
}
