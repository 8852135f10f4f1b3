package dev.jnim.tokenizer.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Feature-by-feature parity with Python Jinja2 3.1.6 set up as transformers does: each case of
 * {@code jinja/python_cases.jsonl} was rendered by Python ({@code tools/jinja_python_cases.py}); the Java
 * renderer must give the same bytes, or fail the same way (syntax error, runtime error, or
 * {@code raise_exception} with the same message).
 */
class PythonJinjaParityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> rendersAsPythonJinja2() throws Exception {
        List<JsonNode> cases = new ArrayList<>();
        try (var in = PythonJinjaParityTest.class.getResourceAsStream("/jinja/python_cases.jsonl");
             var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                cases.add(JSON.readTree(line));
            }
        }
        assertThat(cases).hasSizeGreaterThan(70);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.get("template").asText(), () -> check(c)));
    }

    @SuppressWarnings("unchecked")
    private static void check(JsonNode c) {
        String source = c.get("template").asText();
        Map<String, Object> vars = JSON.convertValue(c.get("variables"), Map.class);
        String error = c.get("error").isNull() ? null : c.get("error").asText();
        if (error == null) {
            assertThat(Template.parse(source).render(vars)).isEqualTo(c.get("rendered").asText());
            return;
        }
        JinjaException e = catchThrowableOfType(JinjaException.class, () -> Template.parse(source).render(vars));
        assertThat(e).as("expected a %s error", error).isNotNull();
        switch (error) {
            case "syntax" -> assertThat(e.kind()).isEqualTo(JinjaException.Kind.SYNTAX);
            case "raise" -> {
                assertThat(e.kind()).isEqualTo(JinjaException.Kind.RAISED);
                assertThat(e.getMessage()).isEqualTo(c.get("message").asText());
            }
            default -> assertThat(e.kind()).isEqualTo(JinjaException.Kind.RUNTIME);
        }
    }
}
