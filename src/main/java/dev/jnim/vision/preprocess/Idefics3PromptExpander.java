package dev.jnim.vision.preprocess;

import java.util.List;

/**
 * {@code Idefics3Processor}: each {@code <image>} becomes, per tile row and column,
 * {@code <fake_token_around_image><row_r_col_c>} + {@code <image>} x seq, a newline after each row, then
 * {@code \n<fake_token_around_image><global-img>} + {@code <image>} x seq + {@code <fake_token_around_image>}
 * ({@code get_image_prompt_string}); an unsplit image gets only the global part, without the leading newline.
 */
public record Idefics3PromptExpander(int imageSeqLen) implements PromptExpander {

    static final String IMAGE = "<image>";
    static final String FAKE = "<fake_token_around_image>";
    static final String GLOBAL = "<global-img>";

    @Override
    public String placeholder() {
        return IMAGE;
    }

    @Override
    public String expand(String prompt, List<ImageLayout> images) {
        String[] parts = PromptExpander.split(prompt, IMAGE, images.size());
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 0; i < images.size(); i++) {
            ImageLayout.Tiles t = (ImageLayout.Tiles) images.get(i);
            String seq = IMAGE.repeat(imageSeqLen);
            if (t.rows() == 0 && t.cols() == 0) {
                sb.append(FAKE).append(GLOBAL).append(seq).append(FAKE);
            } else {
                for (int r = 0; r < t.rows(); r++) {
                    for (int c = 0; c < t.cols(); c++) {
                        sb.append(FAKE).append("<row_").append(r + 1).append("_col_").append(c + 1).append('>').append(seq);
                    }
                    sb.append('\n');
                }
                sb.append('\n').append(FAKE).append(GLOBAL).append(seq).append(FAKE);
            }
            sb.append(parts[i + 1]);
        }
        return sb.toString();
    }

    @Override
    public int imageTokens(ImageLayout image) {
        return ((ImageLayout.Tiles) image).frames() * imageSeqLen;
    }
}
