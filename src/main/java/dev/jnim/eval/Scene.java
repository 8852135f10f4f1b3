package dev.jnim.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * One evaluation scene: a background, 1-3 objects with distinct shapes in distinct slots, and maybe a digit or
 * a short word written in another slot. Sampled like the training recipe's {@code sample_scene}, from a separate random
 * stream, so the scenes are held out.
 */
public record Scene(String background, List<SceneObject> objects, Optional<Text> text) {

    /** A shape: its colour, slot, diameter as a fraction of the image, offset from the slot centre, rotation. */
    public record SceneObject(String shape, String colour, String slot, double size, double dx, double dy,
                              double angleDegrees) {
    }

    /** What a text item is: a number (one digit) or a word, as the description and the question name it. */
    public enum TextKind {
        NUMBER, WORD;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A digit or word drawn as text; {@code size} is a digit's font size as a fraction of the image. */
    public record Text(String text, TextKind kind, String colour, String slot, double size, double dx, double dy) {
        public Text {
            if (kind == TextKind.NUMBER ? !text.matches("[0-9]") : !SceneVocabulary.WORDS.contains(text)) {
                throw new IllegalArgumentException("not a " + kind.label() + " of the demo scenes: " + text);
            }
        }

        /** A digit alone. */
        public static Text number(String digit, String colour, String slot) {
            return new Text(digit, TextKind.NUMBER, colour, slot, 0.25, 0, 0);
        }

        /** A word alone. */
        public static Text word(String word, String colour, String slot) {
            return new Text(word, TextKind.WORD, colour, slot, 0.25, 0, 0);
        }

        /** Font size in pixels on an image of {@code imageSize} pixels: a word is drawn smaller to fit its patch. */
        public int fontPixels(int imageSize) {
            return Math.max(6, (int) (size * imageSize * (kind == TextKind.WORD ? SceneVocabulary.WORD_SCALE : 1.0)));
        }
    }

    public Scene {
        objects = List.copyOf(objects);
    }

    /** A random scene; {@code textProbability} of them carry a text item, a digit or a word with even odds. */
    public static Scene random(Random rng, double textProbability) {
        List<String> backgrounds = List.copyOf(SceneVocabulary.BACKGROUNDS.keySet());
        String bg = backgrounds.get(rng.nextInt(backgrounds.size()));
        int n = 1 + rng.nextInt(3);
        List<String> slots = shuffled(SceneVocabulary.SLOTS, rng);
        List<String> shapes = shuffled(SceneVocabulary.SHAPES, rng);
        List<String> palette = SceneVocabulary.COLOURS.keySet().stream().filter(c -> !c.equals(bg)).toList();
        List<SceneObject> objects = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            objects.add(new SceneObject(shapes.get(i), palette.get(rng.nextInt(palette.size())), slots.get(i),
                    uniform(rng, 0.20, 0.28), uniform(rng, -0.03, 0.03), uniform(rng, -0.03, 0.03),
                    uniform(rng, -12, 12)));
        }
        Optional<Text> text = Optional.empty();
        if (rng.nextDouble() < textProbability) {
            TextKind kind = rng.nextBoolean() ? TextKind.NUMBER : TextKind.WORD;
            String label = kind == TextKind.NUMBER ? Integer.toString(rng.nextInt(10))
                    : SceneVocabulary.WORDS.get(rng.nextInt(SceneVocabulary.WORDS.size()));
            text = Optional.of(new Text(label, kind, palette.get(rng.nextInt(palette.size())), slots.get(n),
                    uniform(rng, 0.20, 0.28), uniform(rng, -0.03, 0.03), uniform(rng, -0.03, 0.03)));
        }
        return new Scene(bg, objects, text);
    }

    /** The recipe's caption, e.g. "A red star at the top and a blue circle on the left. The background is white." */
    public String description() {
        List<SceneObject> sorted = new ArrayList<>(objects);
        sorted.sort((a, b) -> SceneVocabulary.SLOTS.indexOf(a.slot()) - SceneVocabulary.SLOTS.indexOf(b.slot()));
        List<String> parts = sorted.stream().map(o -> "a " + o.colour() + " " + o.shape() + " " + slotPhrase(o.slot())).toList();
        String s = parts.size() == 1 ? parts.getFirst()
                : String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.getLast();
        s = Character.toUpperCase(s.charAt(0)) + s.substring(1) + ".";
        if (text.isPresent()) {
            Text t = text.get();
            s += " The " + t.kind().label() + " " + t.text() + " is written " + slotPhrase(t.slot()) + ".";
        }
        return s + " The background is " + background + ".";
    }

    static String slotPhrase(String slot) {
        return switch (slot) {
            case "top" -> "at the top";
            case "left" -> "on the left";
            case "centre" -> "in the centre";
            case "right" -> "on the right";
            case "bottom" -> "at the bottom";
            default -> throw new IllegalArgumentException(slot);
        };
    }

    private static double uniform(Random rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    private static List<String> shuffled(List<String> items, Random rng) {
        List<String> l = new ArrayList<>(items);
        Collections.shuffle(l, rng);
        return l;
    }
}
