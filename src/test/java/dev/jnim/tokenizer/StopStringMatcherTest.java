package dev.jnim.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringMatcherTest {

    /** Pushes every delta and returns everything emitted, including the final flush. */
    private static String run(StopStringMatcher m, String... deltas) {
        StringBuilder out = new StringBuilder();
        for (String d : deltas) {
            out.append(m.push(d));
        }
        return out.append(m.flush()).toString();
    }

    @Test
    void stopSplitAcrossDeltasIsFoundAndNotEmitted() {
        var m = new StopStringMatcher(List.of("</answer>"));
        assertThat(m.push("The result is 4")).isEqualTo("The result is 4");
        assertThat(m.push("</ans")).isEmpty(); // could be the stop: held back
        assertThat(m.stopped()).isFalse();
        assertThat(m.push("wer> trailing")).isEmpty();
        assertThat(m.stopped()).isTrue();
        assertThat(m.matchedStop()).isEqualTo("</answer>");
        assertThat(m.push("more")).isEmpty();
        assertThat(m.flush()).isEmpty();
    }

    @Test
    void heldTextThatTurnsOutNotToBeAStopIsReleased() {
        var m = new StopStringMatcher(List.of("STOP"));
        assertThat(m.push("abc ST")).isEqualTo("abc ");
        assertThat(m.push("OP?")).isEmpty();
        assertThat(m.stopped()).isTrue();

        var n = new StopStringMatcher(List.of("STOP"));
        assertThat(n.push("abc ST")).isEqualTo("abc ");
        assertThat(n.push("ART")).isEqualTo("START");
        assertThat(n.stopped()).isFalse();
    }

    @Test
    void textBeforeAStopInsideOneDeltaIsEmitted() {
        var m = new StopStringMatcher(List.of("\n\n"));
        assertThat(run(m, "line one\n\nline two")).isEqualTo("line one");
    }

    @Test
    void earliestOfSeveralStopsWins() {
        var m = new StopStringMatcher(List.of("bb", "a"));
        assertThat(run(m, "xxbba")).isEqualTo("xx");
        assertThat(m.matchedStop()).isEqualTo("bb");
    }

    @Test
    void partialStopAtTheEndIsFlushed() {
        var m = new StopStringMatcher(List.of("<|end|>"));
        assertThat(run(m, "Hello <|e", "n")).isEqualTo("Hello <|en");
        assertThat(m.stopped()).isFalse();
    }

    @Test
    void characterByCharacterStreamsMatchWholeText() {
        String text = "one two <stop> three";
        var m = new StopStringMatcher(List.of("<stop>", "zzz"));
        assertThat(run(m, text.split(""))).isEqualTo("one two ");
    }

    @Test
    void noStopsPassesEverythingThrough() {
        var m = new StopStringMatcher(List.of());
        assertThat(m.push("abc")).isEqualTo("abc");
        assertThat(m.flush()).isEmpty();
    }
}
