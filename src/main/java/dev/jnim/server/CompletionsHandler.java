package dev.jnim.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnim.api.ApiException;
import dev.jnim.api.ChatRequest;
import dev.jnim.api.CompletionRequest;
import dev.jnim.api.GenerationOptions;
import dev.jnim.engine.EngineEvent;
import dev.jnim.engine.FinishReason;
import dev.jnim.engine.GenerationRequest;
import dev.jnim.engine.RequestHandle;
import dev.jnim.engine.RequestRejectedException;
import dev.jnim.engine.SamplingParams;
import dev.jnim.tokenizer.ChatTemplateException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: validate, render and tokenize
 * the prompt (all on the request's virtual thread, before any engine work), submit one engine
 * request per choice, then answer with one JSON body or stream SSE chunks.
 *
 * <p>Threading: stateless; each call runs on its own virtual thread. No request contents reach
 * the logs.
 */
final class CompletionsHandler {

    private static final Logger log = LoggerFactory.getLogger(CompletionsHandler.class);

    private final JnimServer server;

    CompletionsHandler(JnimServer server) {
        this.server = server;
    }

    void chat(ServerRequest req, ServerResponse res) {
        handle(req, res, true);
    }

    void completions(ServerRequest req, ServerResponse res) {
        handle(req, res, false);
    }

    private void handle(ServerRequest req, ServerResponse res, boolean chat) {
        long start = System.nanoTime();
        // Counted before the readiness check: shutdown flips readiness first, then waits for the count.
        server.requestStarted();
        ServedModel m;
        try {
            m = server.readyModel();
        } catch (ApiException e) {
            server.requestEnded();
            HttpJson.sendError(res, e);
            return;
        }
        try {
            Prepared p = chat ? prepareChat(req, m) : prepareCompletion(req, m);
            generate(res, m, p, chat, start);
        } catch (ApiException e) {
            server.metrics().failed();
            HttpJson.sendError(res, e);
        } finally {
            server.requestEnded();
        }
    }

    /** A validated request, tokenized: what the engine needs. */
    private record Prepared(List<int[]> prompts, GenerationOptions options, List<String> echo,
                            List<dev.jnim.model.ImageInput> images) {
    }

    private Prepared prepareChat(ServerRequest req, ServedModel m) {
        JsonNode body = HttpJson.readBody(req, server.options().maxRequestBytes());
        ChatRequest cr = ChatRequest.parse(body, m.model().vocabSize());
        checkModel(m, cr.model());
        if (m.chatTemplate() == null) {
            throw ApiException.badRequest("messages", m.templateError());
        }
        String prompt;
        try {
            List<Map<String, Object>> messages = m.model() instanceof dev.jnim.model.CrossAttentionModel
                    ? ImagesFirst.apply(cr.messages()) : cr.messages();
            prompt = m.chatTemplate().apply(messages, cr.addGenerationPrompt(), null, cr.chatTemplateKwargs());
        } catch (ChatTemplateException e) {
            throw ApiException.badRequest("messages", e.getMessage());
        }
        List<dev.jnim.model.ImageInput> images = List.of();
        if (!cr.images().isEmpty()) {
            if (m.images() == null) {
                throw ApiException.badRequest("messages", "the model " + m.primaryName() + " does not accept images");
            }
            try {
                ImagePipeline.Prepared ip = m.images().prepare(prompt,
                        cr.images().stream().map(ChatRequest.ImageRef::url).toList(),
                        cr.images().stream().map(ChatRequest.ImageRef::field).toList());
                prompt = ip.prompt();
                images = ip.images();
            } catch (ImagePipeline.ImageRejected e) {
                throw ApiException.badRequest(e.field(), e.getMessage());
            }
        }
        // The template already wrote BOS and the other special tokens, as vLLM tokenizes chat prompts.
        int[] ids = m.tokenizer().tokenizer().encode(prompt, false);
        if (ids.length == 0) {
            throw ApiException.badRequest("messages", "the rendered prompt is empty");
        }
        return new Prepared(List.of(ids), cr.options(), null, images);
    }

    private Prepared prepareCompletion(ServerRequest req, ServedModel m) {
        JsonNode body = HttpJson.readBody(req, server.options().maxRequestBytes());
        CompletionRequest cr = CompletionRequest.parse(body, m.model().vocabSize());
        checkModel(m, cr.model());
        List<int[]> prompts = new ArrayList<>();
        List<String> echo = cr.echo() ? new ArrayList<>() : null;
        for (CompletionRequest.Prompt p : cr.prompts()) {
            int[] ids = switch (p) {
                case CompletionRequest.Prompt.Text t -> m.tokenizer().tokenizer().encode(t.text(), true);
                case CompletionRequest.Prompt.Tokens t -> t.ids();
            };
            if (ids.length == 0) {
                throw ApiException.badRequest("prompt", "the prompt is empty after tokenization");
            }
            prompts.add(ids);
            if (echo != null) {
                echo.add(p instanceof CompletionRequest.Prompt.Text t ? t.text()
                        : m.tokenizer().tokenizer().decode(ids, cr.options().skipSpecialTokens()));
            }
        }
        return new Prepared(prompts, cr.options(), echo, List.of());
    }

    static void checkModel(ServedModel m, String model) {
        if (!m.names().contains(model)) {
            throw new ApiException(404, "model", "The model `" + truncate(model) + "` does not exist.");
        }
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    private void generate(ServerResponse res, ServedModel m, Prepared p, boolean chat, long start) {
        GenerationOptions o = p.options();
        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        List<Choice> choices = submit(m, p, id);
        List<Integer> promptTokens = p.prompts().stream().map(a -> a.length).toList();
        ResponseBuilder rb = new ResponseBuilder(chat, id, System.currentTimeMillis() / 1000, m.primaryName(),
                m.tokenizer().tokenizer(), o.logprobs(), p.echo());
        try {
            if (o.stream()) {
                SseStream sse = new SseStream(res, rb, o.includeUsage());
                ChoiceRunner.run(choices, sse, server.metrics(), start);
                sse.end(choices, promptTokens);
                return;
            }
            ChoiceRunner.run(choices, ChoiceRunner.NO_SINK, server.metrics(), start);
        } catch (ChoiceRunner.ClientGone e) {
            log.debug("request {}: the client disconnected; cancelled {} choice(s)", id, choices.size());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (Choice c : choices) {
            EngineEvent.Finished f = c.finished;
            if (f.reason() == FinishReason.ERROR) {
                throw new ApiException(500, null, "generation failed: " + f.error());
            }
            if (f.reason() == FinishReason.ABORT) {
                throw new ApiException(503, null, "the request was aborted: " + f.error());
            }
        }
        ObjectNode body = rb.full(choices, promptTokens);
        HttpJson.send(res, 200, body);
    }

    /** One engine request per choice; when one is refused, the ones already queued are cancelled. */
    private static List<Choice> submit(ServedModel m, Prepared p, String id) {
        GenerationOptions o = p.options();
        List<Choice> choices = new ArrayList<>();
        int maxLen = m.limits().maxModelLen();
        try {
            for (int pi = 0; pi < p.prompts().size(); pi++) {
                int[] ids = p.prompts().get(pi);
                int maxTokens = o.maxTokens() != null ? o.maxTokens() : Math.max(1, maxLen - ids.length);
                for (int i = 0; i < o.n(); i++) {
                    int index = choices.size();
                    SamplingParams sp = new SamplingParams(o.temperature(), o.topK(), o.topP(), o.minP(),
                            o.seedOf(index), o.repetitionPenalty(), o.frequencyPenalty(), o.presencePenalty(),
                            o.logitBias(), o.logprobs(), o.topLogprobs());
                    GenerationRequest gr = new GenerationRequest(id + "-" + index, ids, sp, maxTokens,
                            o.stopTokenIds(), o.ignoreEos(), o.stop(), o.skipSpecialTokens(), p.images());
                    RequestHandle h = m.engine().submit(gr);
                    choices.add(new Choice(index, pi, ids.length, h));
                }
            }
        } catch (RequestRejectedException e) {
            choices.forEach(c -> c.handle.cancel());
            throw new ApiException(e.status(), e.param(), e.getMessage());
        }
        return choices;
    }
}
