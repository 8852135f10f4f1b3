package dev.jnim.model;

import dev.jnim.kv.KvCache;
import dev.jnim.kv.KvLayout;

/**
 * What the vision-language models share: a Llama-family text model that runs the forward pass and
 * owns the weights; subclasses add their vision tower and connector.
 */
abstract class TextBackedModel implements VisionLanguageModel {

    protected final LlamaModel text;

    protected TextBackedModel(LlamaModel text) {
        this.text = text;
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
