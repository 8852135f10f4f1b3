package dev.jnim.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads samples out of a Prometheus text exposition (tests only). */
record PromText(String text) {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    List<Sample> samples() {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            String series = line.substring(0, sp);
            double value = Double.parseDouble(line.substring(sp + 1));
            Map<String, String> labels = new LinkedHashMap<>();
            String name = series;
            int brace = series.indexOf('{');
            if (brace >= 0) {
                name = series.substring(0, brace);
                for (String kv : series.substring(brace + 1, series.length() - 1).split(",")) {
                    if (kv.isEmpty()) {
                        continue;
                    }
                    int eq = kv.indexOf('=');
                    labels.put(kv.substring(0, eq), kv.substring(eq + 2, kv.length() - 1));
                }
            }
            out.add(new Sample(name, labels, value));
        }
        return out;
    }

    /** The value of the one sample with this name and these labels (others ignored); NaN when absent. */
    double value(String name, String... labelPairs) {
        for (Sample s : samples()) {
            if (!s.name().equals(name)) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < labelPairs.length; i += 2) {
                match &= labelPairs[i + 1].equals(s.labels().get(labelPairs[i]));
            }
            if (match) {
                return s.value();
            }
        }
        return Double.NaN;
    }

    /** The {@code le} bounds of a histogram's buckets. */
    List<Double> buckets(String name) {
        return samples().stream().filter(s -> s.name().equals(name + "_bucket"))
                .map(s -> s.labels().get("le")).map(le -> le.equals("+Inf") ? Double.POSITIVE_INFINITY
                        : Double.parseDouble(le)).toList();
    }
}
