package dev.jnim.eval;

import java.awt.Color;
import java.util.List;
import java.util.Map;

/**
 * The small world the embedded demo model was trained on: shape names, colour names with their canonical
 * sRGB, background colours and the five slots. This is the same table as {@code tools/demo-model/scenes.py}
 * (the training recipe); the two must stay in sync, or the evaluation asks about things the model never saw.
 */
public final class SceneVocabulary {

    public static final List<String> SHAPES = List.of("circle", "square", "triangle", "star", "cross", "diamond");

    /** Object colours in the recipe's order. */
    public static final Map<String, Color> COLOURS = orderedMap(
            "red", new Color(220, 30, 30),
            "orange", new Color(255, 140, 0),
            "yellow", new Color(240, 220, 20),
            "green", new Color(30, 160, 50),
            "blue", new Color(30, 80, 220),
            "purple", new Color(140, 50, 180),
            "pink", new Color(255, 120, 190),
            "brown", new Color(120, 70, 25),
            "black", new Color(20, 20, 20),
            "white", new Color(245, 245, 245));

    public static final Map<String, Color> BACKGROUNDS = orderedMap(
            "white", new Color(250, 250, 250),
            "black", new Color(10, 10, 10),
            "grey", new Color(128, 128, 128));

    /** Short words a scene may have written on it instead of a digit (three capitals, none a shape or colour). */
    public static final List<String> WORDS = List.of("SUN", "CAT", "DOG", "BOX", "HAT", "CUP", "KEY", "MAP");

    /** A word's font size relative to a digit's, so that its three letters fit in one patch as a digit does. */
    public static final double WORD_SCALE = 0.5;

    /** Slots in reading order (the order a description lists objects in). */
    public static final List<String> SLOTS = List.of("top", "left", "centre", "right", "bottom");

    /**
     * Slot centre as a fraction of the image, x then y: the centres of the cells of a 3x3 grid (1/6, 1/2, 5/6),
     * which is the demo model's patch grid, so that each object lies inside one patch.
     */
    public static double[] slotCentre(String slot) {
        return switch (slot) {
            case "top" -> new double[] {0.5, 1.0 / 6};
            case "left" -> new double[] {1.0 / 6, 0.5};
            case "centre" -> new double[] {0.5, 0.5};
            case "right" -> new double[] {5.0 / 6, 0.5};
            case "bottom" -> new double[] {0.5, 5.0 / 6};
            default -> throw new IllegalArgumentException("unknown slot " + slot);
        };
    }

    private SceneVocabulary() {}

    private static Map<String, Color> orderedMap(Object... kv) {
        var m = new java.util.LinkedHashMap<String, Color>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Color) kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
