package dev.jnim.engine;

import java.util.Arrays;

/**
 * Counts of the tokens a sequence has seen, as the penalties need them: prompt tokens (for
 * {@code repetition_penalty}) and generated tokens (for frequency and presence penalties).
 * Keeps the list of distinct ids so a penalty touches only those logits, not the whole vocabulary.
 *
 * <p>Owned by the engine thread.
 */
public final class TokenHistory {

    private final int[] outputCount;
    private final boolean[] inPrompt;
    private int[] distinct = new int[64];
    private int distinctCount;

    public TokenHistory(int vocab, int[] prompt) {
        this.outputCount = new int[vocab];
        this.inPrompt = new boolean[vocab];
        for (int t : prompt) {
            if (t >= 0 && t < vocab && !inPrompt[t]) {
                inPrompt[t] = true;
                if (outputCount[t] == 0) {
                    push(t);
                }
            }
        }
    }

    public void addGenerated(int token) {
        if (outputCount[token]++ == 0 && !inPrompt[token]) {
            push(token);
        }
    }

    private void push(int t) {
        if (distinctCount == distinct.length) {
            distinct = Arrays.copyOf(distinct, distinctCount * 2);
        }
        distinct[distinctCount++] = t;
    }

    int distinctCount() {
        return distinctCount;
    }

    int distinct(int i) {
        return distinct[i];
    }

    int outputCount(int token) {
        return outputCount[token];
    }

    boolean inPrompt(int token) {
        return inPrompt[token];
    }
}
