package dev.jnim.model;

import java.util.Arrays;

/**
 * One step's input to {@link CausalLM#forward}: a flat list of tokens from several sequences
 * (prefill chunks and single decode tokens mixed), each token with its position in its sequence
 * and its sequence's block table, plus which tokens need logits.
 *
 * <p>A sequence's chunk covers positions {@code [start, start + n)}; its block table must already
 * hold blocks for all of them. The forward pass writes the chunk's K/V into those blocks and lets
 * each token attend to every earlier position of its sequence (cached or in the same chunk).
 *
 * <p>Reusable: {@link #clear()} and refill each step; the arrays grow and are kept. Owned by the
 * engine thread.
 */
public final class ForwardBatch {

    /** Which positions of a chunk get logits. */
    public enum Logits { NONE, LAST, ALL }

    private int numTokens;
    private int[] tokens = new int[64];
    private int[] positions = new int[64];
    private int[] seqOf = new int[64];
    private int numSeqs;
    private int[][] blockTables = new int[8][];
    private int numLogits;
    private int[] logitTokens = new int[64];
    // Input embeddings that replace the token embedding (image features), per token; null = none.
    private float[][] embedSrc = new float[64][];
    private int[] embedOff = new int[64];
    // Multimodal rotary positions (temporal, height, width) per token, for M-RoPE models; by
    // default all three equal the token's position.
    private int[] ropePos = new int[3 * 64];
    // Per sequence: what its tokens read in cross-attention layers (Llama 3.2 Vision); null = no images.
    private CrossAttentionInputs[] cross = new CrossAttentionInputs[8];

    public void clear() {
        java.util.Arrays.fill(embedSrc, 0, numTokens, null);
        java.util.Arrays.fill(cross, 0, numSeqs, null);
        numTokens = 0;
        numSeqs = 0;
        numLogits = 0;
    }

    /**
     * Adds a chunk of {@code n} tokens of one sequence starting at position {@code start}.
     * Returns the index of the chunk's first logits row, or -1 when it asks for none.
     */
    public int add(int[] chunk, int chunkOff, int n, int start, int[] blockTable, Logits logits) {
        if (n <= 0) {
            throw new IllegalArgumentException("a chunk needs at least one token");
        }
        ensureTokens(numTokens + n);
        if (numSeqs == blockTables.length) {
            blockTables = Arrays.copyOf(blockTables, numSeqs * 2);
            cross = Arrays.copyOf(cross, numSeqs * 2);
        }
        int seq = numSeqs++;
        blockTables[seq] = blockTable;
        int firstLogit = logits == Logits.NONE ? -1 : numLogits;
        for (int i = 0; i < n; i++) {
            int t = numTokens++;
            tokens[t] = chunk[chunkOff + i];
            positions[t] = start + i;
            ropePos[3 * t] = ropePos[3 * t + 1] = ropePos[3 * t + 2] = start + i;
            seqOf[t] = seq;
            if (logits == Logits.ALL || (logits == Logits.LAST && i == n - 1)) {
                if (numLogits == logitTokens.length) {
                    logitTokens = Arrays.copyOf(logitTokens, numLogits * 2);
                }
                logitTokens[numLogits++] = t;
            }
        }
        return firstLogit;
    }

    private void ensureTokens(int n) {
        if (n > tokens.length) {
            int cap = Math.max(n, tokens.length * 2);
            tokens = Arrays.copyOf(tokens, cap);
            positions = Arrays.copyOf(positions, cap);
            seqOf = Arrays.copyOf(seqOf, cap);
            embedSrc = Arrays.copyOf(embedSrc, cap);
            embedOff = Arrays.copyOf(embedOff, cap);
            ropePos = Arrays.copyOf(ropePos, 3 * cap);
        }
    }

    /**
     * Makes token {@code t} (flat index) enter the model as the row {@code src[off, off + hidden)}
     * instead of its token embedding: how image features replace the image placeholder tokens.
     */
    public void setEmbedding(int t, float[] src, int off) {
        if (t < 0 || t >= numTokens) {
            throw new IndexOutOfBoundsException("token " + t + " of " + numTokens);
        }
        embedSrc[t] = src;
        embedOff[t] = off;
    }

    /** Gives sequence {@code seq} (in the order chunks were added) its images for the cross-attention layers. */
    public void setCrossAttention(int seq, CrossAttentionInputs inputs) {
        if (seq < 0 || seq >= numSeqs) {
            throw new IndexOutOfBoundsException("sequence " + seq + " of " + numSeqs);
        }
        cross[seq] = inputs;
    }

    /** The cross-attention inputs of sequence {@code seq}, or null when it has no images. */
    public CrossAttentionInputs crossAttention(int seq) {
        return cross[seq];
    }

    /** Sets the (temporal, height, width) rotary positions of token {@code t} (M-RoPE models). */
    public void setRopePositions(int t, int temporal, int height, int width) {
        ropePos[3 * t] = temporal;
        ropePos[3 * t + 1] = height;
        ropePos[3 * t + 2] = width;
    }

    /** Rotary positions, three per token (temporal, height, width) at {@code 3·t}. */
    public int[] ropePositions() {
        return ropePos;
    }

    /** The replacement embedding of token {@code t}, or null. */
    public float[] embeddingSource(int t) {
        return embedSrc[t];
    }

    public int embeddingOffset(int t) {
        return embedOff[t];
    }

    public int numTokens() {
        return numTokens;
    }

    public int numSequences() {
        return numSeqs;
    }

    public int numLogits() {
        return numLogits;
    }

    public int token(int t) {
        return tokens[t];
    }

    public int position(int t) {
        return positions[t];
    }

    public int sequenceOf(int t) {
        return seqOf[t];
    }

    public int[] blockTable(int seq) {
        return blockTables[seq];
    }

    /** Flat index of the token whose logits land in row {@code i}. */
    public int logitToken(int i) {
        return logitTokens[i];
    }
}
