package dev.jnim.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * One evaluation scene: a background, 1-3 objects with distinct shapes in distinct slots, and maybe a digit
 * written in another slot. Sampled like the training recipe's {@code sample_scene}, from a separate random
 * stream, so the scenes are held out.
 */
public record Scene(String background, List<SceneObject> objects, Optional<Digit> digit) {

    /** A shape: its colour, slot, diameter as a fraction of the image, offset from the slot centre, rotation. */
    public record SceneObject(String shape, String colour, String slot, double size, double dx, double dy,
                              double angleDegrees) {
    }

    /** A digit drawn as text. */
    public record Digit(String text, String colour, String slot, double size, double dx, double dy) {
    }

    public Scene {
        objects = List.copyOf(objects);
    }

    /** A random scene; {@code digitProbability} of them carry a digit. */
    public static Scene random(Random rng, double digitProbability) {
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
        Optional<Digit> digit = Optional.empty();
        if (rng.nextDouble() < digitProbability) {
            digit = Optional.of(new Digit(Integer.toString(rng.nextInt(10)), palette.get(rng.nextInt(palette.size())),
                    slots.get(n), uniform(rng, 0.20, 0.28), uniform(rng, -0.03, 0.03), uniform(rng, -0.03, 0.03)));
        }
        return new Scene(bg, objects, digit);
    }

    /** The recipe's caption, e.g. "A red star at the top and a blue circle on the left. The background is white." */
    public String description() {
        List<SceneObject> sorted = new ArrayList<>(objects);
        sorted.sort((a, b) -> SceneVocabulary.SLOTS.indexOf(a.slot()) - SceneVocabulary.SLOTS.indexOf(b.slot()));
        List<String> parts = sorted.stream().map(o -> "a " + o.colour() + " " + o.shape() + " " + slotPhrase(o.slot())).toList();
        String s = parts.size() == 1 ? parts.getFirst()
                : String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.getLast();
        s = Character.toUpperCase(s.charAt(0)) + s.substring(1) + ".";
        if (digit.isPresent()) {
            s += " The number " + digit.get().text() + " is written " + slotPhrase(digit.get().slot()) + ".";
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
