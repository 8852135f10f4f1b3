package dev.jnim.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.jnim.api.GenerationOptions;
import dev.jnim.model.ImageInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-request log line of generation requests. With {@code NIM_DISABLE_LOG_REQUESTS=0}, as
 * vLLM/NIM write it: {@code Received request <id>: prompt: "...", params: SamplingParams(...),
 * prompt_token_ids: [...]}, images shown by size and hash, never their data. Otherwise (the
 * default) a DEBUG line with ids and sizes only: request contents, sampling parameters and token
 * ids never reach the log.
 *
 * <p>Threading: stateless.
 */
final class RequestLog {

    private static final Logger log = LoggerFactory.getLogger(RequestLog.class);
    /** Inline image data that might sit in a text prompt: logged as its size only. */
    private static final Pattern DATA_URL = Pattern.compile("data:[^;,\\s\"]*;base64,[A-Za-z0-9+/=]+");

    private RequestLog() {
    }

    /**
     * @param prompts   the prompts as text (a chat's rendered template before image expansion); null
     *                  entries for prompts given as token ids
     * @param tokenIds  the token ids submitted, one array per prompt
     */
    static void received(boolean contents, String responseId, String requestId, List<String> prompts,
                         List<int[]> tokenIds, GenerationOptions o, List<ImageInput> images, List<Integer> imageBytes) {
        if (contents) {
            if (log.isInfoEnabled()) {
                log.info("Received request {} (request_id={}): prompt: {}, params: {}, prompt_token_ids: {}, images: {}",
                        responseId, requestId, prompts(prompts), params(o), tokenIds(tokenIds),
                        images(images, imageBytes));
            }
        } else if (log.isDebugEnabled()) {
            log.debug("Received request {} (request_id={}): {} prompt(s), {} prompt tokens, {} image(s)", responseId,
                    requestId, tokenIds.size(), tokenIds.stream().mapToInt(a -> a.length).sum(), images.size());
        }
    }

    private static String prompts(List<String> prompts) {
        List<String> out = new ArrayList<>();
        for (String p : prompts) {
            out.add(p == null ? "None" : quote(DATA_URL.matcher(p).replaceAll(
                    m -> "<image data: " + m.group().length() + " characters>")));
        }
        return out.size() == 1 ? out.getFirst() : out.toString();
    }

    private static String quote(String s) {
        try {
            return HttpJson.JSON.writeValueAsString(s); // one line: newlines and quotes escaped
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a String always serialises
        }
    }

    /** The sampling parameters in vLLM's {@code SamplingParams(...)} shape. */
    static String params(GenerationOptions o) {
        return String.format(Locale.ROOT, "SamplingParams(n=%d, presence_penalty=%s, frequency_penalty=%s, "
                        + "repetition_penalty=%s, temperature=%s, top_p=%s, top_k=%d, min_p=%s, seed=%s, stop=%s, "
                        + "stop_token_ids=%s, ignore_eos=%s, max_tokens=%s, logprobs=%s, top_logprobs=%d, "
                        + "skip_special_tokens=%s, logit_bias=%s)",
                o.n(), o.presencePenalty(), o.frequencyPenalty(), o.repetitionPenalty(), o.temperature(), o.topP(),
                o.topK(), o.minP(), o.seed() == null ? "None" : o.seed(),
                o.stop().stream().map(RequestLog::quote).toList(), o.stopTokenIds(), py(o.ignoreEos()),
                o.maxTokens() == null ? "None" : o.maxTokens(), py(o.logprobs()), o.topLogprobs(),
                py(o.skipSpecialTokens()), o.logitBias().isEmpty() ? "None" : o.logitBias());
    }

    private static String py(boolean b) {
        return b ? "True" : "False";
    }

    private static String tokenIds(List<int[]> ids) {
        return ids.size() == 1 ? Arrays.toString(ids.getFirst()) : ids.stream().map(Arrays::toString).toList().toString();
    }

    private static String images(List<ImageInput> images, List<Integer> bytes) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            out.add("image(bytes=" + (i < bytes.size() ? bytes.get(i) : "?") + ", sha256="
                    + HexFormat.of().toHexDigits(images.get(i).contentHash()) + "...)");
        }
        return out.toString();
    }
}
