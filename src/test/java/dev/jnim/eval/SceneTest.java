package dev.jnim.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Scenes, their Java2D rendering and the questions asked about them. */
class SceneTest {

    private static Scene.SceneObject obj(String shape, String colour, String slot) {
        return new Scene.SceneObject(shape, colour, slot, 0.25, 0, 0, 0);
    }

    @Test
    void randomScenesFollowTheRecipesRules() {
        Random rng = new Random(1);
        for (int i = 0; i < 500; i++) {
            Scene s = Scene.random(rng, 0.3);
            assertThat(s.objects()).hasSizeBetween(1, 3);
            assertThat(s.objects().stream().map(Scene.SceneObject::shape).distinct()).hasSameSizeAs(s.objects());
            assertThat(s.objects().stream().map(Scene.SceneObject::slot).distinct()).hasSameSizeAs(s.objects());
            assertThat(s.objects()).allSatisfy(o -> assertThat(o.colour()).isNotEqualTo(s.background()));
            s.text().ifPresent(d -> assertThat(s.objects()).noneMatch(o -> o.slot().equals(d.slot())));
        }
        List<Scene> many = DemoEvaluator.scenes(3, 400);
        assertThat(many).filteredOn(s -> s.text().isPresent()).extracting(s -> s.text().get().kind())
                .contains(Scene.TextKind.NUMBER, Scene.TextKind.WORD);
        assertThat(DemoEvaluator.scenes(9, 20)).isEqualTo(DemoEvaluator.scenes(9, 20));
        assertThat(DemoEvaluator.scenes(9, 20)).isNotEqualTo(DemoEvaluator.scenes(10, 20));
    }

    @Test
    void descriptionListsObjectsInReadingOrder() {
        Scene s = new Scene("grey", List.of(obj("star", "red", "bottom"), obj("circle", "blue", "top"),
                obj("cross", "green", "left")), Optional.of(Scene.Text.number("7", "white", "right")));
        assertThat(s.description()).isEqualTo("A blue circle at the top, a green cross on the left and a red star at the "
                + "bottom. The number 7 is written on the right. The background is grey.");
        Scene w = new Scene("black", List.of(obj("star", "red", "top")), Optional.of(Scene.Text.word("CAT", "pink", "bottom")));
        assertThat(w.description()).isEqualTo("A red star at the top. The word CAT is written at the bottom. The background "
                + "is black.");
        assertThat(new Scene("white", List.of(obj("square", "black", "centre")), Optional.empty()).description())
                .isEqualTo("A black square in the centre. The background is white.");
    }

    @Test
    void rendersEachShapeInItsColourAtItsSlot() throws Exception {
        SceneRenderer r = new SceneRenderer(128);
        for (String shape : SceneVocabulary.SHAPES) {
            Scene s = new Scene("white", List.of(obj(shape, "blue", "left"), obj("circle", "red", "right")), Optional.empty());
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.png(s)));
            assertThat(img.getWidth()).isEqualTo(128);
            // Slot centres: left (1/6, 1/2), right (5/6, 1/2); every shape covers its centre.
            assertThat(SceneRenderer.pixel(img, 21, 64)).as(shape).isEqualTo(SceneVocabulary.COLOURS.get("blue"));
            assertThat(SceneRenderer.pixel(img, 107, 64)).isEqualTo(SceneVocabulary.COLOURS.get("red"));
            // ... and stays inside its cell of the 3x3 grid (the model's patches): the centre cell is background.
            assertThat(SceneRenderer.pixel(img, 64, 64)).isEqualTo(SceneVocabulary.BACKGROUNDS.get("white"));
            assertThat(SceneRenderer.pixel(img, 64, 10)).isEqualTo(SceneVocabulary.BACKGROUNDS.get("white"));
        }
        assertThatThrownBy(() -> new SceneRenderer(8)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesDigitsAndWordsInsideTheirCell() {
        SceneRenderer r = new SceneRenderer(96);
        for (Scene.Text t : List.of(Scene.Text.number("8", "black", "centre"), Scene.Text.word("MAP", "black", "centre"))) {
            BufferedImage img = r.render(new Scene("white", List.of(), Optional.of(t)));
            int inkInside = 0;
            int inkOutside = 0;
            for (int y = 0; y < 96; y++) {
                for (int x = 0; x < 96; x++) {
                    boolean dark = SceneRenderer.pixel(img, x, y).getRed() < 128;
                    boolean centreCell = x >= 32 && x < 64 && y >= 32 && y < 64;
                    inkInside += dark && centreCell ? 1 : 0;
                    inkOutside += dark && !centreCell ? 1 : 0;
                }
            }
            assertThat(inkInside).as(t.text()).isGreaterThan(20);
            assertThat(inkOutside).as(t.text()).isZero();
        }
        assertThat(Scene.Text.word("MAP", "black", "top").fontPixels(96)).isEqualTo(12);
        assertThat(Scene.Text.number("8", "black", "top").fontPixels(96)).isEqualTo(24);
        assertThatThrownBy(() -> Scene.Text.word("ZOO", "black", "top")).hasMessageContaining("ZOO");
        assertThatThrownBy(() -> Scene.Text.number("12", "black", "top")).hasMessageContaining("12");
    }

    @Test
    void questionsAndJudging() {
        Scene s = new Scene("black", List.of(obj("star", "red", "top"), obj("circle", "red", "left"),
                obj("cross", "green", "centre")), Optional.of(Scene.Text.number("4", "white", "right")));
        List<DemoQuestion> qs = DemoQuestion.forScene(s);
        // "What shape is red?" is ambiguous here, so only the green object gets a shape question.
        assertThat(qs).filteredOn(q -> q.type() == DemoQuestion.Type.SHAPE).extracting(DemoQuestion::question)
                .containsExactly("What shape is green?");
        DemoQuestion colour = qs.getFirst();
        assertThat(colour.question()).isEqualTo("What colour is the star?");
        assertThat(colour.judge(" Red.")).isTrue();
        assertThat(colour.judge("red star")).isFalse();
        DemoQuestion count = qs.stream().filter(q -> q.type() == DemoQuestion.Type.COUNT).findFirst().orElseThrow();
        assertThat(count.judge("3")).isTrue();
        DemoQuestion number = qs.stream().filter(q -> q.type() == DemoQuestion.Type.NUMBER).findFirst().orElseThrow();
        assertThat(number.expected()).isEqualTo("4");
        assertThat(qs).noneMatch(q -> q.type() == DemoQuestion.Type.WORD);
        List<DemoQuestion> withWord = DemoQuestion.forScene(new Scene("white", List.of(obj("star", "red", "top")),
                Optional.of(Scene.Text.word("KEY", "blue", "left"))));
        DemoQuestion word = withWord.stream().filter(q -> q.type() == DemoQuestion.Type.WORD).findFirst().orElseThrow();
        assertThat(word.question()).isEqualTo("What word is written?");
        assertThat(word.judge("KEY")).isTrue();
        assertThat(word.judge(" key.")).isTrue();
        assertThat(word.judge("MAP")).isFalse();
        assertThat(withWord).noneMatch(q -> q.type() == DemoQuestion.Type.NUMBER);
        DemoQuestion describe = qs.getLast();
        assertThat(describe.judge("A red star at the top, a red circle on the left and a green cross in the centre."))
                .isTrue();
        assertThat(describe.judge("A red star at the top and a green cross in the centre.")).isFalse();
    }

    /** The Java tables are the recipe's: a scene the model never learnt about would make the eval meaningless. */
    @Test
    void vocabularyMatchesTheTrainingRecipe() throws Exception {
        Path scenes = Path.of("tools/demo-model/scenes.py");
        String py = Files.readString(scenes);
        Matcher shapes = Pattern.compile("SHAPES = \\[(.*?)]").matcher(py);
        assertThat(shapes.find()).isTrue();
        assertThat(shapes.group(1).replace("\"", "").split(",\\s*")).containsExactlyElementsOf(SceneVocabulary.SHAPES);
        for (var table : List.of(Map.entry("COLOURS", SceneVocabulary.COLOURS), Map.entry("BACKGROUNDS", SceneVocabulary.BACKGROUNDS))) {
            Matcher block = Pattern.compile(table.getKey() + " = \\{(.*?)}", Pattern.DOTALL).matcher(py);
            assertThat(block.find()).isTrue();
            Matcher e = Pattern.compile("\"(\\w+)\": \\((\\d+), (\\d+), (\\d+)\\)").matcher(block.group(1));
            int n = 0;
            while (e.find()) {
                Color c = table.getValue().get(e.group(1));
                assertThat(c).as(e.group(1)).isEqualTo(new Color(Integer.parseInt(e.group(2)),
                        Integer.parseInt(e.group(3)), Integer.parseInt(e.group(4))));
                n++;
            }
            assertThat(n).isEqualTo(table.getValue().size());
        }
        Matcher words = Pattern.compile("WORDS = \\[(.*?)]").matcher(py);
        assertThat(words.find()).isTrue();
        assertThat(words.group(1).replace("\"", "").split(",\\s*")).containsExactlyElementsOf(SceneVocabulary.WORDS);
        assertThat(py).contains("WORD_SCALE = " + SceneVocabulary.WORD_SCALE + "\n");
        for (String slot : SceneVocabulary.SLOTS) {
            double[] c = SceneVocabulary.slotCentre(slot);
            assertThat(py).contains("\"" + slot + "\": (" + c[0] + ", " + c[1] + ")");
        }
    }
}
