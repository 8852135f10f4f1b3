package dev.jnim.vision.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.jnim.vision.DecodedImage;
import dev.jnim.vision.ImageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's image processor and prompt expander together: what the server runs on a request's thread between
 * decoding the images and tokenizing the prompt. Immutable and thread-safe.
 */
public record VisionPreprocessor(ImageProcessor processor, PromptExpander expander) {

    /** The processed images of one prompt and the prompt with their placeholders expanded. */
    public record Prepared(String expandedPrompt, List<ProcessedImage> images, int imageTokens) {
    }

    /**
     * From a Hugging Face model directory: {@code preprocessor_config.json} (required) picks the image processor;
     * the processor class and its arguments ({@code image_seq_len}, {@code patch_size},
     * {@code vision_feature_select_strategy}, ...) come from {@code processor_config.json} when present, else from
     * the {@code processor_class} that {@code save_pretrained} writes into {@code preprocessor_config.json}.
     */
    public static VisionPreprocessor fromModelDir(Path dir) {
        ObjectMapper json = new ObjectMapper();
        try {
            JsonNode pre = json.readTree(dir.resolve("preprocessor_config.json").toFile());
            Path procFile = dir.resolve("processor_config.json");
            JsonNode kwargs = Files.isRegularFile(procFile) ? json.readTree(procFile.toFile()) : JsonNodeFactory.instance.objectNode();
            String processorClass = kwargs.path("processor_class").asText(pre.path("processor_class").asText(""));
            if (processorClass.isEmpty()) {
                processorClass = defaultProcessorClass(pre.path("image_processor_type").asText(""));
            }
            ImageProcessor processor = ImageProcessor.fromConfig(pre);
            return new VisionPreprocessor(processor, PromptExpander.of(processorClass, kwargs, processor));
        } catch (IOException e) {
            throw new ImageException("cannot read the image processor settings of " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String defaultProcessorClass(String imageProcessorType) {
        return switch (imageProcessorType) {
            case "Idefics3ImageProcessor" -> "Idefics3Processor";
            case "CLIPImageProcessor", "LlavaImageProcessor" -> "LlavaProcessor";
            case "Qwen2VLImageProcessor" -> "Qwen2VLProcessor";
            case "MllamaImageProcessor" -> "MllamaProcessor";
            default -> throw new ImageException("no processor class known for image_processor_type '" + imageProcessorType + "'");
        };
    }

    /** Processes each image (in prompt order) and expands the rendered prompt's placeholders for them. */
    public Prepared prepare(String renderedPrompt, List<DecodedImage> images) {
        List<ProcessedImage> processed = new ArrayList<>(images.size());
        List<ImageLayout> layouts = new ArrayList<>(images.size());
        int tokens = 0;
        for (DecodedImage image : images) {
            ProcessedImage p = processor.process(image);
            processed.add(p);
            layouts.add(p.layout());
            tokens += expander.imageTokens(p.layout());
        }
        return new Prepared(expander.expand(renderedPrompt, layouts), processed, tokens);
    }
}
