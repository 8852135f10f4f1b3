package dev.jnim.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.engine.SampleResult;
import dev.jnim.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds the OpenAI response bodies of one request: {@code chat.completion} /
 * {@code text_completion} objects, their streaming chunks, usage and logprobs in the OpenAI shapes
 * (chat: {@code logprobs.content[]}; text completions: the legacy {@code tokens} /
 * {@code token_logprobs} / {@code top_logprobs} / {@code text_offset} lists). Used by the request's
 * own thread only.
 *
 * @param chat        chat completions (else text completions)
 * @param echoPrefix  per prompt, text put before each choice's text (completions' {@code echo}); may be null
 */
record ResponseBuilder(boolean chat, String id, long created, String model, Tokenizer tokenizer, boolean logprobs,
                       List<String> echoPrefix) {

    ObjectNode full(List<Choice> choices, List<Integer> promptTokensPerPrompt) {
        ObjectNode root = head(chat ? "chat.completion" : "text_completion");
        ArrayNode arr = root.putArray("choices");
        for (Choice c : choices) {
            ObjectNode o = arr.addObject();
            o.put("index", c.index);
            String text = prefix(c) + c.text;
            if (chat) {
                ObjectNode m = o.putObject("message");
                m.put("role", "assistant");
                m.put("content", text);
            } else {
                o.put("text", text);
            }
            putLogprobs(o, c.samples, prefix(c).length());
            o.put("finish_reason", c.finishReason());
        }
        root.set("usage", usage(choices, promptTokensPerPrompt));
        return root;
    }

    /** The first chunk of a chat choice: the role, with empty content. */
    ObjectNode roleChunk(Choice c, boolean withUsageField) {
        ObjectNode root = chunkHead(withUsageField);
        ObjectNode o = root.putArray("choices").addObject();
        o.put("index", c.index);
        o.putObject("delta").put("role", "assistant").put("content", "");
        o.putNull("logprobs");
        o.putNull("finish_reason");
        return root;
    }

    /** A chunk carrying new text (and its tokens' logprobs), or the last one with the finish_reason. */
    ObjectNode chunk(Choice c, String text, List<SampleResult> samples, String finishReason, boolean withUsageField,
                     int textOffset) {
        ObjectNode root = chunkHead(withUsageField);
        ObjectNode o = root.putArray("choices").addObject();
        o.put("index", c.index);
        if (chat) {
            ObjectNode delta = o.putObject("delta");
            if (!text.isEmpty() || finishReason == null) {
                delta.put("content", text);
            }
        } else {
            o.put("text", text);
        }
        if (samples.isEmpty()) {
            o.putNull("logprobs");
        } else {
            putLogprobs(o, samples, textOffset);
        }
        if (finishReason == null) {
            o.putNull("finish_reason");
        } else {
            o.put("finish_reason", finishReason);
        }
        return root;
    }

    /** The final usage chunk ({@code stream_options.include_usage}): no choices. */
    ObjectNode usageChunk(List<Choice> choices, List<Integer> promptTokensPerPrompt) {
        ObjectNode root = chunkHead(false);
        root.putArray("choices");
        root.set("usage", usage(choices, promptTokensPerPrompt));
        return root;
    }

    String prefix(Choice c) {
        return echoPrefix == null ? "" : echoPrefix.get(c.promptIndex);
    }

    /** Prompt tokens count once per prompt (not per choice), as OpenAI counts them. */
    ObjectNode usage(List<Choice> choices, List<Integer> promptTokensPerPrompt) {
        int prompt = promptTokensPerPrompt.stream().mapToInt(Integer::intValue).sum();
        int completion = 0;
        int[] cached = new int[promptTokensPerPrompt.size()];
        for (Choice c : choices) {
            completion += c.completionTokens();
            if (c.finished != null) {
                cached[c.promptIndex] = Math.max(cached[c.promptIndex], c.finished.usage().cachedTokens());
            }
        }
        ObjectNode u = HttpJson.JSON.createObjectNode();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        u.putObject("prompt_tokens_details").put("cached_tokens", java.util.Arrays.stream(cached).sum());
        return u;
    }

    private ObjectNode head(String object) {
        ObjectNode root = HttpJson.JSON.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    private ObjectNode chunkHead(boolean withUsageField) {
        ObjectNode root = head(chat ? "chat.completion.chunk" : "text_completion");
        if (withUsageField) {
            root.putNull("usage");
        }
        return root;
    }

    private void putLogprobs(ObjectNode choice, List<SampleResult> samples, int textOffset) {
        if (!logprobs) {
            choice.putNull("logprobs");
            return;
        }
        ObjectNode lp = choice.putObject("logprobs");
        if (chat) {
            ArrayNode content = lp.putArray("content");
            for (SampleResult s : samples) {
                ObjectNode e = tokenEntry(content.addObject(), s.token(), s.logprob());
                ArrayNode top = e.putArray("top_logprobs");
                for (int i = 0; i < s.topIds().length; i++) {
                    tokenEntry(top.addObject(), s.topIds()[i], s.topLogprobs()[i]);
                }
            }
            return;
        }
        ArrayNode tokens = lp.putArray("tokens");
        ArrayNode tokenLogprobs = lp.putArray("token_logprobs");
        ArrayNode top = lp.putArray("top_logprobs");
        ArrayNode offsets = lp.putArray("text_offset");
        int offset = textOffset;
        for (SampleResult s : samples) {
            String t = tokenText(s.token());
            tokens.add(t);
            tokenLogprobs.add(finite(s.logprob()));
            ObjectNode alternatives = top.addObject();
            for (int i = 0; i < s.topIds().length; i++) {
                alternatives.put(tokenText(s.topIds()[i]), finite(s.topLogprobs()[i]));
            }
            offsets.add(offset);
            offset += t.length();
        }
    }

    private ObjectNode tokenEntry(ObjectNode e, int id, float logprob) {
        String t = tokenText(id);
        e.put("token", t);
        e.put("logprob", finite(logprob));
        ArrayNode bytes = e.putArray("bytes");
        for (byte b : t.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
        return e;
    }

    /** A token's own text, as vLLM reports it (special tokens included). */
    String tokenText(int id) {
        return tokenizer.decode(new int[] {id}, false);
    }

    /** JSON has no -Infinity: a token with probability 0 (e.g. masked by logit_bias) reports -9999, as vLLM does. */
    private static double finite(float lp) {
        return Float.isFinite(lp) ? lp : -9999.0;
    }
}
