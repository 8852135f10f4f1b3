package dev.jnim.tokenizer;

import dev.jnim.tokenizer.jinja.JinjaException;
import dev.jnim.tokenizer.jinja.Template;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's chat template, rendered as transformers' {@code apply_chat_template} does (Python Jinja2,
 * {@code trim_blocks}, {@code lstrip_blocks}, sandboxed; the special-token strings of
 * {@code tokenizer_config.json} passed as variables). Thread-safe: parse once, render per request.
 */
public final class ChatTemplate {

    private final String name;
    private final Template template;
    private final Map<String, String> specialTokens;

    private ChatTemplate(String name, Template template, Map<String, String> specialTokens) {
        this.name = name;
        this.template = template;
        this.specialTokens = specialTokens;
    }

    /**
     * Parses a template source with no special-token variables.
     *
     * @throws ChatTemplateException of kind SYNTAX, with the line
     */
    public static ChatTemplate compile(String source) {
        return compile("chat_template", source, Map.of());
    }

    private static ChatTemplate compile(String name, String source, Map<String, String> specialTokens) {
        try {
            return new ChatTemplate(name, Template.parse(source), specialTokens);
        } catch (JinjaException e) {
            throw new ChatTemplateException(ChatTemplateException.Kind.SYNTAX,
                    "chat template '" + name + "' does not parse: " + e.getMessage(), e);
        }
    }

    /**
     * The template of {@code config} to use, as transformers picks it: {@code requested} when given
     * (e.g. {@code "tool_use"}), else {@code "tool_use"} when the request has tools and the config has
     * one, else {@code "default"} (or the only template).
     *
     * @throws ChatTemplateException when the config has no chat template or not the requested one
     */
    public static ChatTemplate fromConfig(TokenizerConfig config, String requested, boolean hasTools) {
        Map<String, String> templates = config.chatTemplates();
        if (templates.isEmpty()) {
            throw new ChatTemplateException(ChatTemplateException.Kind.SYNTAX,
                    TokenizerConfig.FILE + " has no chat_template; this model cannot serve chat requests");
        }
        String pick;
        if (requested != null) {
            pick = requested;
        } else if (hasTools && templates.containsKey("tool_use")) {
            pick = "tool_use";
        } else if (templates.containsKey("default")) {
            pick = "default";
        } else if (templates.size() == 1) {
            pick = templates.keySet().iterator().next();
        } else {
            throw new ChatTemplateException(ChatTemplateException.Kind.SYNTAX, TokenizerConfig.FILE
                    + " chat_template has no 'default' entry; name one of " + templates.keySet());
        }
        String source = templates.get(pick);
        if (source == null) {
            throw new ChatTemplateException(ChatTemplateException.Kind.SYNTAX, TokenizerConfig.FILE
                    + " chat_template has no template named '" + pick + "'; available: " + templates.keySet());
        }
        return compile(pick, source, config.specialTokenStrings());
    }

    /** The template's name ({@code "default"}, {@code "tool_use"}, ...). */
    public String name() {
        return name;
    }

    /**
     * Renders a conversation: {@code messages} as OpenAI-style maps ({@code role}, {@code content} a string
     * or a list of parts {@code {type: text|image|image_url, ...}}, optional {@code tool_calls}), optional
     * {@code tools} (null when none), and {@code chatTemplateKwargs} (extra variables such as
     * {@code enable_thinking}; they override the special tokens).
     *
     * @throws ChatTemplateException RAISED when the template rejects the conversation, RUNTIME when it fails
     */
    public String apply(List<?> messages, boolean addGenerationPrompt, List<?> tools, Map<String, ?> chatTemplateKwargs) {
        Map<String, Object> vars = new LinkedHashMap<>(specialTokens);
        vars.put("tools", tools);
        vars.put("documents", null);
        if (chatTemplateKwargs != null) {
            vars.putAll(chatTemplateKwargs);
        }
        vars.put("messages", messages);
        vars.put("add_generation_prompt", addGenerationPrompt);
        return render(vars);
    }

    /** Renders with exactly {@code variables}. */
    public String render(Map<String, ?> variables) {
        try {
            return template.render(variables);
        } catch (JinjaException e) {
            ChatTemplateException.Kind kind = e.kind() == JinjaException.Kind.RAISED
                    ? ChatTemplateException.Kind.RAISED : ChatTemplateException.Kind.RUNTIME;
            String message = kind == ChatTemplateException.Kind.RAISED ? e.getMessage()
                    : "chat template '" + name + "' failed: " + e.getMessage();
            throw new ChatTemplateException(kind, message, e);
        }
    }
}
