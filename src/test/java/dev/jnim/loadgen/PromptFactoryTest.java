package dev.jnim.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class PromptFactoryTest {

    @Test
    void sameSeedSamePromptsOtherSeedOtherPrompts() {
        var a = new PromptFactory(1, 50, 20);
        var b = new PromptFactory(1, 50, 20);
        var c = new PromptFactory(2, 50, 20);
        assertThat(a.prompt(5)).isEqualTo(b.prompt(5));
        assertThat(a.prompt(5).sharedPrefix()).isNotEqualTo(c.prompt(5).sharedPrefix());
        assertThat(a.prompt(5).unique()).isNotEqualTo(c.prompt(5).unique());
    }

    @Test
    void promptsHaveTheRequestedWordsAndShareOnlyThePrefix() {
        var f = new PromptFactory(3, 30, 10);
        var uniques = new HashSet<String>();
        for (long id = -3; id < 200; id++) {
            Prompt p = f.prompt(id);
            assertThat(p.sharedPrefix().split(" ")).hasSize(10);
            assertThat(p.unique().split(" ")).hasSize(20);
            assertThat(p.text().split(" ")).hasSize(30);
            assertThat(p.words()).isEqualTo(30);
            assertThat(p.sharedPrefix()).isEqualTo(f.prompt(0).sharedPrefix());
            uniques.add(p.unique());
        }
        assertThat(uniques).hasSize(203);
        assertThat(f.prompt(0).text()).startsWith(f.prompt(0).sharedPrefix() + " ");
    }

    @Test
    void noPrefixMeansTheWholePromptIsUnique() {
        Prompt p = new PromptFactory(0, 7, 0).prompt(1);
        assertThat(p.sharedPrefix()).isEmpty();
        assertThat(p.text()).isEqualTo(p.unique());
        assertThat(p.text().split(" ")).hasSize(7).allSatisfy(w -> assertThat(PromptFactory.WORDS).contains(w));
    }

    @Test
    void aPrefixAsLongAsThePromptIsRefused() {
        assertThatThrownBy(() -> new PromptFactory(0, 10, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PromptFactory(0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
