package dev.jnim.vision.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.vision.DecodedImage;
import dev.jnim.vision.ImageException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An image processor matching a Hugging Face {@code *ImageProcessor} class of transformers v4.47.1, driven by the
 * model's {@code preprocessor_config.json}. Stateless and thread-safe: the server calls {@link #process} on each
 * request's own thread.
 */
public sealed interface ImageProcessor
        permits Idefics3ImageProcessor, ClipImageProcessor, Qwen2VlImageProcessor, MllamaImageProcessor {

    /** CLIP / OpenAI mean and std, the default of several classes. */
    double[] OPENAI_CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    double[] OPENAI_CLIP_STD = {0.26862954, 0.26130258, 0.27577711};
    /** {@code IMAGENET_STANDARD_MEAN} / {@code _STD}. */
    double[] STANDARD_MEAN = {0.5, 0.5, 0.5};
    double[] STANDARD_STD = {0.5, 0.5, 0.5};

    /**
     * The arrays the model needs for one image, as the HF class returns them for a batch of one; an
     * {@link ImageException} (with the reference's message where it has one) when the reference would fail too.
     */
    ProcessedImage process(DecodedImage image);

    /** The processor for a {@code preprocessor_config.json} file. */
    static ImageProcessor fromConfig(Path preprocessorConfig) {
        try {
            return fromConfig(new ObjectMapper().readTree(preprocessorConfig.toFile()));
        } catch (IOException e) {
            throw new ImageException("cannot read " + preprocessorConfig + ": " + e.getMessage(), e);
        }
    }

    /** The processor for a parsed {@code preprocessor_config.json}, chosen by {@code image_processor_type}. */
    static ImageProcessor fromConfig(JsonNode json) {
        ProcessorConfig config = new ProcessorConfig(json);
        return switch (config.type()) {
            case "Idefics3ImageProcessor" -> Idefics3ImageProcessor.from(config);
            case "CLIPImageProcessor", "LlavaImageProcessor" -> ClipImageProcessor.from(config);
            case "Qwen2VLImageProcessor" -> Qwen2VlImageProcessor.from(config);
            case "MllamaImageProcessor" -> MllamaImageProcessor.from(config);
            default -> throw new ImageException("unsupported image_processor_type '" + config.type()
                    + "' (supported: Idefics3ImageProcessor, CLIPImageProcessor, LlavaImageProcessor,"
                    + " Qwen2VLImageProcessor, MllamaImageProcessor)");
        };
    }
}
