package dev.jnim.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenizerModeTest {

    @Test
    void parsesAcceptedValuesCaseInsensitively() {
        assertThat(TokenizerMode.parse("auto")).isEqualTo(TokenizerMode.AUTO);
        assertThat(TokenizerMode.parse("SLOW")).isEqualTo(TokenizerMode.SLOW);
        assertThat(TokenizerMode.parse(" slow ")).isEqualTo(TokenizerMode.SLOW);
    }

    @Test
    void unsetMeansAuto() {
        assertThat(TokenizerMode.parse(null)).isEqualTo(TokenizerMode.AUTO);
        assertThat(TokenizerMode.parse("")).isEqualTo(TokenizerMode.AUTO);
    }

    @Test
    void rejectsOtherValuesNamingTheVariableAndTheAcceptedValues() {
        assertThatThrownBy(() -> TokenizerMode.parse("fast"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NIM_TOKENIZER_MODE")
                .hasMessageContaining("'fast'")
                .hasMessageContaining("auto, slow");
    }
}
