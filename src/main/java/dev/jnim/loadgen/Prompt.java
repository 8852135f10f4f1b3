package dev.jnim.loadgen;

/**
 * One synthetic prompt: a part shared by every request of the run (empty without
 * {@code --shared-prefix}) and a part unique to this request.
 *
 * @param words the approximate length in tokens (the client has no tokenizer: one word ≈ one token)
 */
public record Prompt(String sharedPrefix, String unique, int words) {

    /** The whole prompt as one text, for the completions endpoint. */
    public String text() {
        return sharedPrefix.isEmpty() ? unique : sharedPrefix + " " + unique;
    }
}
