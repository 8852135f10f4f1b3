package dev.jnim.eval;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Scored answers of one evaluation, with accuracy per question type and a printable table. */
public record EvalReport(int scenes, List<DemoEvaluator.Answer> answers) {

    /** Correct and asked counts of one question type. */
    public record Score(int correct, int asked) {
        public double accuracy() {
            return asked == 0 ? Double.NaN : (double) correct / asked;
        }
    }

    public EvalReport {
        answers = List.copyOf(answers);
    }

    public Map<DemoQuestion.Type, Score> scores() {
        Map<DemoQuestion.Type, Score> m = new EnumMap<>(DemoQuestion.Type.class);
        for (DemoQuestion.Type t : DemoQuestion.Type.values()) {
            int asked = 0;
            int correct = 0;
            for (DemoEvaluator.Answer a : answers) {
                if (a.question().type() == t) {
                    asked++;
                    correct += a.correct() ? 1 : 0;
                }
            }
            if (asked > 0) {
                m.put(t, new Score(correct, asked));
            }
        }
        return m;
    }

    public Score total() {
        int correct = (int) answers.stream().filter(DemoEvaluator.Answer::correct).count();
        return new Score(correct, answers.size());
    }

    /** The table {@code jnim eval demo} prints, with up to {@code examples} wrong answers after it. */
    public String table(int examples) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d scenes, %d questions%n", scenes, answers.size()));
        sb.append(String.format(Locale.ROOT, "%-11s %7s %7s %9s%n", "question", "asked", "right", "accuracy"));
        for (var e : scores().entrySet()) {
            Score s = e.getValue();
            sb.append(String.format(Locale.ROOT, "%-11s %7d %7d %8.1f%%%n", e.getKey().label(), s.asked(), s.correct(),
                    100 * s.accuracy()));
        }
        Score t = total();
        sb.append(String.format(Locale.ROOT, "%-11s %7d %7d %8.1f%%%n", "all", t.asked(), t.correct(), 100 * t.accuracy()));
        List<DemoEvaluator.Answer> wrong = answers.stream().filter(a -> !a.correct()).limit(examples).toList();
        if (!wrong.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "some wrong answers:%n"));
            for (DemoEvaluator.Answer a : wrong) {
                sb.append(String.format(Locale.ROOT, "  scene %d: %s -> \"%s\" (expected \"%s\")%n", a.scene(),
                        a.question().question(), a.answer().replace("\n", " "), a.question().expected()));
            }
        }
        return sb.toString();
    }
}
