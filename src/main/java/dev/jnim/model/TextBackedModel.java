package dev.jnim.model;

import dev.jnim.kv.KvCache;
import dev.jnim.kv.KvLayout;
import dev.jnim.tensor.ComputePool;

/**
 * What the vision-language models share: a Llama-family text model that runs the forward pass and
 * owns the weights; subclasses add their vision tower and connector.
 */
abstract class TextBackedModel implements VisionLanguageModel {

    protected final LlamaModel text;
    protected final int imageTokenId;
    protected final ComputePool pool;

    protected TextBackedModel(LlamaModel text, int imageTokenId, ComputePool pool) {
        this.text = text;
        this.imageTokenId = imageTokenId;
        this.pool = pool;
    }

    @Override
    public int imageTokenId() {
        return imageTokenId;
    }

    @Override
    public String architecture() {
        return text.architecture();
    }

    @Override
    public DecoderConfig decoder() {
        return text.decoder();
    }

    @Override
    public KvLayout kvLayout() {
        return text.kvLayout();
    }

    @Override
    public long weightBytesPerStep() {
        return text.weightBytesPerStep();
    }

    @Override
    public float[] forward(ForwardBatch batch, KvCache cache) {
        return text.forward(batch, cache);
    }

    @Override
    public void close() {
        text.close();
    }
}
