package dev.jnim.vision;

import dev.jnim.tensor.ComputePool;
import dev.jnim.tensor.Gelu;
import dev.jnim.tensor.Linear;
import dev.jnim.weights.WeightSource;

/** LLaVA's multi-modal projector (HF {@code LlavaMultiModalProjector}): Linear → activation → Linear. */
public final class MlpProjector {

    private final Linear first;
    private final Linear second;
    private final Gelu.Kind act;

    public MlpProjector(WeightSource w, String prefix, int visionHidden, int textHidden, Gelu.Kind act) {
        this.first = w.linear(prefix + "linear_1", textHidden, visionHidden, true, false);
        this.second = w.linear(prefix + "linear_2", textHidden, textHidden, true, false);
        this.act = act;
    }

    /** Projects {@code rows} vision features into the text model's embedding space. */
    public float[] project(ComputePool pool, float[] features, int rows) {
        float[] h = new float[rows * first.out()];
        first.apply(pool, features, rows, h);
        Gelu.apply(act, h, h.length);
        float[] out = new float[rows * second.out()];
        second.apply(pool, h, rows, out);
        return out;
    }
}
