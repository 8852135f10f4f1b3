package dev.jnim.vision.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnim.vision.ImageException;
import java.util.List;

/**
 * Expands the image placeholders of a rendered prompt exactly as the Hugging Face processor class does, given
 * each image's {@link ImageLayout} in prompt order.
 */
public sealed interface PromptExpander permits Idefics3PromptExpander, LlavaPromptExpander, Qwen2VlPromptExpander,
        MllamaPromptExpander {

    /** The placeholder the chat template writes for one image. */
    String placeholder();

    /** The prompt with every placeholder expanded; one image per placeholder, in order. */
    String expand(String prompt, List<ImageLayout> images);

    /** How many image-token positions one image occupies in the expanded prompt. */
    int imageTokens(ImageLayout image);

    /**
     * The expander of a processor class ({@code Idefics3Processor}, {@code LlavaProcessor},
     * {@code Qwen2VLProcessor}, {@code MllamaProcessor}) with its keyword arguments (e.g. {@code image_seq_len},
     * {@code patch_size}); {@code imageProcessor} supplies what the processor reads from it (Qwen2-VL's merge size).
     */
    static PromptExpander of(String processorClass, JsonNode kwargs, ImageProcessor imageProcessor) {
        return switch (processorClass) {
            case "Idefics3Processor" -> new Idefics3PromptExpander(kwargs.path("image_seq_len").asInt(169));
            case "LlavaProcessor" -> new LlavaPromptExpander(kwargs.path("patch_size").asInt(14),
                    kwargs.path("vision_feature_select_strategy").asText("default"),
                    kwargs.path("num_additional_image_tokens").asInt(0));
            case "Qwen2VLProcessor" -> new Qwen2VlPromptExpander(
                    imageProcessor instanceof Qwen2VlImageProcessor q ? q.mergeSize() : 2);
            case "MllamaProcessor" -> new MllamaPromptExpander();
            default -> throw new ImageException("unsupported processor class '" + processorClass + "'");
        };
    }

    /** Splits on the placeholder and checks there is one per image, as the HF processors require. */
    static String[] split(String prompt, String placeholder, int images) {
        String[] parts = prompt.split(java.util.regex.Pattern.quote(placeholder), -1);
        if (parts.length - 1 != images) {
            throw new ImageException("the prompt has " + (parts.length - 1) + " image placeholder(s) " + placeholder
                    + " but " + images + " image(s) were given");
        }
        return parts;
    }
}
