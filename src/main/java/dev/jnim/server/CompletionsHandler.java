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
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
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
 * <p>Threading: stateless; each call runs on its own virtual thread. Request contents reach the
 * logs only with {@code NIM_DISABLE_LOG_REQUESTS=0} ({@link RequestLog}); each request is traced
 * ({@link RequestTrace}) when OpenTelemetry is on.
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
        RequestTrace trace = new RequestTrace(server.telemetry().tracer());
        try {
            Prepared p;
            Span prep = trace.start("validate_and_template");
            try {
                p = chat ? prepareChat(req, m, trace, prep) : prepareCompletion(req, m);
            } catch (RuntimeException e) {
                prep.setStatus(StatusCode.ERROR, e instanceof ApiException ? e.getMessage() : e.getClass().getName());
                throw e;
            } finally {
                prep.end();
            }
            generate(res, m, p, chat, start, RequestObserver.requestId(req), trace);
        } catch (ApiException e) {
            server.metrics().failed();
            HttpJson.sendError(res, e);
        } finally {
            server.requestEnded();
        }
    }

    /**
     * A validated request, tokenized: what the engine needs, and for the request log the prompts as
     * text (null for prompts given as token ids) and the images' sizes in bytes.
     */
    private record Prepared(List<int[]> prompts, GenerationOptions options, List<String> echo,
                            List<dev.jnim.model.ImageInput> images, List<String> promptTexts,
                            List<Integer> imageBytes) {
    }

    private Prepared prepareChat(ServerRequest req, ServedModel m, RequestTrace trace, Span prep) {
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
        String rendered = prompt;
        List<dev.jnim.model.ImageInput> images = List.of();
        List<Integer> imageBytes = List.of();
        if (!cr.images().isEmpty()) {
            if (m.images() == null) {
                throw ApiException.badRequest("messages", "the model " + m.primaryName() + " does not accept images");
            }
            Span span = trace.startChild("image_fetch_and_preprocess", prep);
            span.setAttribute(RequestTrace.IMAGES, (long) cr.images().size());
            try {
                ImagePipeline.Prepared ip = m.images().prepare(prompt,
                        cr.images().stream().map(ChatRequest.ImageRef::url).toList(),
                        cr.images().stream().map(ChatRequest.ImageRef::field).toList());
                prompt = ip.prompt();
                images = ip.images();
                imageBytes = ip.imageBytes();
            } catch (ImagePipeline.ImageRejected e) {
                span.setStatus(StatusCode.ERROR, e.getMessage());
                throw ApiException.badRequest(e.field(), e.getMessage());
            } finally {
                span.end();
            }
        }
        // The template already wrote BOS and the other special tokens, as vLLM tokenizes chat prompts.
        int[] ids = m.tokenizer().tokenizer().encode(prompt, false);
        if (ids.length == 0) {
            throw ApiException.badRequest("messages", "the rendered prompt is empty");
        }
        return new Prepared(List.of(ids), cr.options(), null, images, java.util.Collections.singletonList(rendered),
                imageBytes);
    }

    private Prepared prepareCompletion(ServerRequest req, ServedModel m) {
        JsonNode body = HttpJson.readBody(req, server.options().maxRequestBytes());
        CompletionRequest cr = CompletionRequest.parse(body, m.model().vocabSize());
        checkModel(m, cr.model());
        List<int[]> prompts = new ArrayList<>();
        List<String> echo = cr.echo() ? new ArrayList<>() : null;
        List<String> texts = new ArrayList<>();
        for (CompletionRequest.Prompt p : cr.prompts()) {
            int[] ids = switch (p) {
                case CompletionRequest.Prompt.Text t -> m.tokenizer().tokenizer().encode(t.text(), true);
                case CompletionRequest.Prompt.Tokens t -> t.ids();
            };
            if (ids.length == 0) {
                throw ApiException.badRequest("prompt", "the prompt is empty after tokenization");
            }
            prompts.add(ids);
            texts.add(p instanceof CompletionRequest.Prompt.Text t ? t.text() : null);
            if (echo != null) {
                echo.add(p instanceof CompletionRequest.Prompt.Text t ? t.text()
                        : m.tokenizer().tokenizer().decode(ids, cr.options().skipSpecialTokens()));
            }
        }
        return new Prepared(prompts, cr.options(), echo, List.of(), texts, List.of());
    }

    static void checkModel(ServedModel m, String model) {
        if (!m.names().contains(model)) {
            throw new ApiException(404, "model", "The model `" + truncate(model) + "` does not exist.");
        }
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    private void generate(ServerResponse res, ServedModel m, Prepared p, boolean chat, long start, String requestId,
                          RequestTrace trace) {
        GenerationOptions o = p.options();
        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        trace.accepted(m.primaryName(), id);
        RequestLog.received(server.telemetry().logRequests(), id, requestId, p.promptTexts(), p.prompts(), o,
                p.images(), p.imageBytes());
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
        } finally {
            traceChoices(trace, choices, m);
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

    private static void traceChoices(RequestTrace trace, List<Choice> choices, ServedModel m) {
        long prompt = 0;
        long completion = 0;
        List<String> reasons = new ArrayList<>();
        for (Choice c : choices) {
            trace.choiceFinished(c, m.primaryName());
            if (c.finished != null) {
                prompt += c.finished.usage().promptTokens();
                completion += c.finished.usage().completionTokens();
                reasons.add(c.finishReason());
            }
        }
        trace.usage(prompt, completion, reasons);
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
