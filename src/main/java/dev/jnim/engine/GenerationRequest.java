package dev.jnim.engine;

import dev.jnim.model.ImageInput;
import java.util.List;
import java.util.Set;

/**
 * What to generate, as submitted to the {@link Engine}: prompt token ids (images already
 * expanded), sampling, and when to stop.
 *
 * @param id                  request id (for logs and cancellation)
 * @param promptTokens        the prompt
 * @param sampling            how to pick tokens
 * @param maxTokens           most tokens to generate
 * @param stopTokenIds        extra ids that end generation (not part of the output text)
 * @param ignoreEos           keep going past the model's EOS ids
 * @param stopStrings         texts that end generation; not included in the output text
 * @param skipSpecialTokens   leave special tokens out of the output text
 * @param images              the prompt's images, in the order of their placeholder tokens (may be empty);
 *                            their encoder outputs replace the model's image tokens in order
 */
public record GenerationRequest(String id, int[] promptTokens, SamplingParams sampling, int maxTokens,
                                Set<Integer> stopTokenIds, boolean ignoreEos, List<String> stopStrings,
                                boolean skipSpecialTokens, List<ImageInput> images) {

    public GenerationRequest {
        if (promptTokens == null || promptTokens.length == 0) {
            throw new IllegalArgumentException("the prompt must have at least one token");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
        }
        promptTokens = promptTokens.clone();
        stopTokenIds = stopTokenIds == null ? Set.of() : Set.copyOf(stopTokenIds);
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        images = images == null ? List.of() : List.copyOf(images);
    }

    /** A plain request: these sampling params, stop at EOS or after {@code maxTokens}. */
    public static GenerationRequest of(String id, int[] prompt, SamplingParams sampling, int maxTokens) {
        return new GenerationRequest(id, prompt, sampling, maxTokens, Set.of(), false, List.of(), true, List.of());
    }

    public GenerationRequest withIgnoreEos(boolean ignore) {
        return new GenerationRequest(id, promptTokens, sampling, maxTokens, stopTokenIds, ignore, stopStrings,
                skipSpecialTokens, images);
    }

    public GenerationRequest withImages(List<ImageInput> imgs) {
        return new GenerationRequest(id, promptTokens, sampling, maxTokens, stopTokenIds, ignoreEos, stopStrings,
                skipSpecialTokens, imgs);
    }

    public GenerationRequest withStops(Set<Integer> ids, List<String> strings) {
        return new GenerationRequest(id, promptTokens, sampling, maxTokens, ids, ignoreEos, strings,
                skipSpecialTokens, images);
    }
}
