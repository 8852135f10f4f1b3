package dev.jnim.engine;

/** Why a sequence ended, with the OpenAI {@code finish_reason} name where there is one. */
public enum FinishReason {
    /** EOS, a stop token id or a stop string. */
    STOP("stop"),
    /** {@code max_tokens} or the model length reached. */
    LENGTH("length"),
    /** Cancelled: the client went away, was too slow, or the server shut down. */
    ABORT("abort"),
    /** The engine failed while running the request. */
    ERROR("error");

    private final String openAiName;

    FinishReason(String openAiName) {
        this.openAiName = openAiName;
    }

    public String openAiName() {
        return openAiName;
    }
}
