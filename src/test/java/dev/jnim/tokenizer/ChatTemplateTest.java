package dev.jnim.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {

    private static final TokenizerConfig CONFIG = new TokenizerConfig(
            Map.of("bos_token", "<s>", "eos_token", "</s>"), Optional.of(true), false,
            Map.of("default", """
                    {{- bos_token }}
                    {%- for m in messages %}
                        {%- if m.role not in ['user', 'assistant'] %}
                            {{- raise_exception('Unsupported role: ' + m.role) }}
                        {%- endif %}
                        {%- if m.content is string %}
                    [{{ m.role }}] {{ m.content }}
                        {%- else %}
                    [{{ m.role }}] {% for p in m.content %}{{ '<image>' if p.type in ['image', 'image_url'] else p.text }}{% endfor %}
                        {%- endif %}
                    {%- endfor %}
                    {%- if tools %} tools={{ tools | map(attribute='name') | join(',') }}{% endif %}
                    {%- if think is defined %} think={{ think }}{% endif %}
                    {%- if add_generation_prompt %}
                    [assistant]{% endif %}
                    """));

    @Test
    void rendersMessagesPartsToolsAndKwargs() {
        ChatTemplate t = ChatTemplate.fromConfig(CONFIG, null, false);
        List<Map<String, Object>> messages = List.of(
                Map.of("role", "user", "content", List.of(
                        Map.of("type", "image_url", "image_url", Map.of("url", "http://x/y.png")),
                        Map.of("type", "text", "text", "What is it?"))),
                Map.of("role", "assistant", "content", "A cat."));
        String out = t.apply(messages, true, List.of(Map.of("name", "f"), Map.of("name", "g")), Map.of("think", false));
        // As Python Jinja2 3.1.6 renders it: each "{%-" also strips the newline that ends the line before.
        assertThat(out).isEqualTo("<s>[user] <image>What is it?[assistant] A cat. tools=f,g think=False[assistant]");
    }

    @Test
    void templateRejectionCarriesTheTemplatesMessage() {
        ChatTemplate t = ChatTemplate.fromConfig(CONFIG, null, false);
        assertThatThrownBy(() -> t.apply(List.of(Map.of("role", "system", "content", "x")), false, null, null))
                .isInstanceOfSatisfying(ChatTemplateException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChatTemplateException.Kind.RAISED))
                .hasMessage("Unsupported role: system");
    }

    @Test
    void templateThatDoesNotParseNamesTheTemplateAndLine() {
        assertThatThrownBy(() -> ChatTemplate.compile("line one\n{% for m in messages %}{{ m }"))
                .isInstanceOfSatisfying(ChatTemplateException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChatTemplateException.Kind.SYNTAX))
                .hasMessageContaining("chat_template").hasMessageContaining("line 2");
        assertThatThrownBy(() -> ChatTemplate.compile("{% if x %}never closed"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("endif");
        assertThatThrownBy(() -> ChatTemplate.compile("{% include 'other.jinja' %}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("unknown tag 'include'");
    }

    @Test
    void runtimeFailureIsAClearError() {
        ChatTemplate t = ChatTemplate.compile("{{ messages[0].content.upper() }}");
        assertThatThrownBy(() -> t.render(Map.of("messages", List.of(Map.of("role", "user", "content", List.of())))))
                .isInstanceOfSatisfying(ChatTemplateException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChatTemplateException.Kind.RUNTIME))
                .hasMessageContaining("'list object' has no attribute 'upper'");
    }

    @Test
    void acceptsJacksonTreesAsMessages() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                [{"role": "user", "content": [{"type": "text", "text": "Hi"}, {"type": "image"}]},
                 {"role": "assistant", "content": "Yo", "n": 1.5}]""");
        String out = ChatTemplate.compile("{% for m in messages %}{{ m.role }}:{{ m.content if m.content is string "
                + "else m.content | map(attribute='type') | join('+') }}{{ m.n is defined and m.n is float }};{% endfor %}")
                .render(Map.of("messages", json));
        assertThat(out).isEqualTo("user:text+imageFalse;assistant:YoTrue;");
    }

    @Test
    void configWithoutTemplate() {
        assertThatThrownBy(() -> ChatTemplate.fromConfig(TokenizerConfig.empty(), null, false))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("no chat_template");
    }

    @Test
    void strftimeNowUsesTheClock() {
        var clock = java.time.Clock.fixed(java.time.Instant.parse("2024-07-26T10:15:30Z"), java.time.ZoneOffset.UTC);
        String out = dev.jnim.tokenizer.jinja.Template.parse("{{ strftime_now('%d %b %Y %H:%M %A %B') }}", clock).render(Map.of());
        assertThat(out).isEqualTo("26 Jul 2024 10:15 Friday July");
    }
}
