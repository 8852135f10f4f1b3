package dev.jnim.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImagesFirstTest {

    private static Map<String, Object> text(String t) {
        return Map.of("type", "text", "text", t);
    }

    private static final Map<String, Object> IMAGE = Map.of("type", "image");

    @Test
    void userImagesMoveToTheFrontInOrderOtherMessagesStayAsTheyAre() {
        List<Map<String, Object>> in = List.of(
                Map.of("role", "system", "content", "be brief"),
                Map.of("role", "user", "content", List.of(text("a"), IMAGE, text("b"), IMAGE)),
                Map.of("role", "assistant", "content", List.of(text("c"), IMAGE)),
                Map.of("role", "user", "content", "plain"));
        List<Map<String, Object>> out = ImagesFirst.apply(in);
        assertThat(out.get(0)).isSameAs(in.get(0));
        assertThat(out.get(1).get("content")).isEqualTo(List.of(IMAGE, IMAGE, text("a"), text("b")));
        assertThat(out.get(1).get("role")).isEqualTo("user");
        assertThat(out.get(2)).isSameAs(in.get(2));
        assertThat(out.get(3)).isSameAs(in.get(3));
        assertThat(in.get(1).get("content")).isEqualTo(List.of(text("a"), IMAGE, text("b"), IMAGE)); // not modified
    }
}
