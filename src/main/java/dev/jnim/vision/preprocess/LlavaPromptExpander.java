package dev.jnim.vision.preprocess;

import java.util.List;

/**
 * {@code LlavaProcessor}: {@code <image>} repeated {@code (H/p)*(W/p) + num_additional_image_tokens} times, one
 * fewer with the {@code default} feature-select strategy (the class token is dropped).
 */
public record LlavaPromptExpander(int patchSize, String selectStrategy, int numAdditionalImageTokens)
        implements PromptExpander {

    static final String IMAGE = "<image>";

    @Override
    public String placeholder() {
        return IMAGE;
    }

    @Override
    public String expand(String prompt, List<ImageLayout> images) {
        String[] parts = PromptExpander.split(prompt, IMAGE, images.size());
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 0; i < images.size(); i++) {
            sb.append(IMAGE.repeat(imageTokens(images.get(i)))).append(parts[i + 1]);
        }
        return sb.toString();
    }

    @Override
    public int imageTokens(ImageLayout image) {
        ImageLayout.Single s = (ImageLayout.Single) image;
        int n = (s.height() / patchSize) * (s.width() / patchSize) + numAdditionalImageTokens;
        return selectStrategy.equals("default") ? n - 1 : n;
    }
}
