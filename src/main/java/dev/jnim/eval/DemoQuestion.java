package dev.jnim.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A question about a {@link Scene} and how its answer is judged. Colour, shape, count, position, number, word and
 * background answers are single words, compared exactly after lower-casing and trimming spaces and a final
 * full stop; a description passes when it names every object with its colour ("red star").
 */
public record DemoQuestion(Type type, String question, String expected, List<String> mustMention) {

    /** Question types, in report order. */
    public enum Type {
        COLOUR("colour"), SHAPE("shape"), COUNT("count"), POSITION("position"), NUMBER("number"),
        WORD("word"), BACKGROUND("background"), DESCRIBE("describe");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public DemoQuestion {
        mustMention = List.copyOf(mustMention);
    }

    /** The questions a scene supports, in the recipe's canonical wording. */
    public static List<DemoQuestion> forScene(Scene scene) {
        List<DemoQuestion> out = new ArrayList<>();
        for (Scene.SceneObject o : scene.objects()) {
            out.add(exact(Type.COLOUR, "What colour is the " + o.shape() + "?", o.colour()));
            out.add(exact(Type.POSITION, "Where is the " + o.shape() + "?", o.slot()));
            boolean uniqueColour = scene.objects().stream().filter(p -> p.colour().equals(o.colour())).count() == 1;
            if (uniqueColour) {
                out.add(exact(Type.SHAPE, "What shape is " + o.colour() + "?", o.shape()));
            }
        }
        out.add(exact(Type.COUNT, "How many shapes are there?", Integer.toString(scene.objects().size())));
        scene.text().ifPresent(t -> out.add(t.kind() == Scene.TextKind.NUMBER
                ? exact(Type.NUMBER, "What number is written?", t.text())
                : exact(Type.WORD, "What word is written?", t.text())));
        out.add(exact(Type.BACKGROUND, "What colour is the background?", scene.background()));
        List<String> mentions = scene.objects().stream().map(o -> o.colour() + " " + o.shape()).toList();
        out.add(new DemoQuestion(Type.DESCRIBE, "Describe the image.", scene.description(), mentions));
        return out;
    }

    private static DemoQuestion exact(Type type, String q, String a) {
        return new DemoQuestion(type, q, a, List.of());
    }

    /** Whether {@code answer} is right. */
    public boolean judge(String answer) {
        String a = normalise(answer);
        if (type == Type.DESCRIBE) {
            return mustMention.stream().allMatch(m -> a.contains(m));
        }
        return a.equals(normalise(expected));
    }

    static String normalise(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        while (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        return t;
    }
}
