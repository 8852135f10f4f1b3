package dev.jnim.model;

import dev.jnim.kv.KvCache;
import dev.jnim.kv.KvLayout;

/**
 * A loaded language model that runs a batched forward pass over a paged KV cache. Implementations
 * are one file per architecture family, created through the {@link ModelRegistry}.
 *
 * <p>Threading: {@link #forward} is called by one thread at a time (the engine thread); it
 * returns a buffer owned by the model that stays valid until the next call.
 */
public interface CausalLM extends AutoCloseable {

    /** The architecture name ({@code architectures[0]}). */
    String architecture();

    DecoderConfig decoder();

    /** Shape of the KV cache this model needs. */
    KvLayout kvLayout();

    /** Size of a logits row (the vocabulary). */
    default int vocabSize() {
        return decoder().vocabSize();
    }

    /** Bytes of weights one decode step reads (all matrices plus the used embedding rows). */
    long weightBytesPerStep();

    /**
     * Runs the batch; returns logits for the batch's logit tokens, row {@code i} at
     * {@code [i * vocab, (i+1) * vocab)}.
     */
    float[] forward(ForwardBatch batch, KvCache cache);

    @Override
    void close();
}
