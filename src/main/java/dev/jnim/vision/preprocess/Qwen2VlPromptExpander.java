package dev.jnim.vision.preprocess;

import java.util.List;

/**
 * {@code Qwen2VLProcessor}: each {@code <|image_pad|>} (inside {@code <|vision_start|>...<|vision_end|>}) becomes
 * {@code t*h*w / merge_size^2} copies of itself.
 */
public record Qwen2VlPromptExpander(int mergeSize) implements PromptExpander {

    static final String IMAGE_PAD = "<|image_pad|>";

    @Override
    public String placeholder() {
        return IMAGE_PAD;
    }

    @Override
    public String expand(String prompt, List<ImageLayout> images) {
        String[] parts = PromptExpander.split(prompt, IMAGE_PAD, images.size());
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 0; i < images.size(); i++) {
            sb.append(IMAGE_PAD.repeat(imageTokens(images.get(i)))).append(parts[i + 1]);
        }
        return sb.toString();
    }

    @Override
    public int imageTokens(ImageLayout image) {
        return ((ImageLayout.PatchGrid) image).patches() / (mergeSize * mergeSize);
    }
}
