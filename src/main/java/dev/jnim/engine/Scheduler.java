package dev.jnim.engine;

import dev.jnim.kv.BlockManager;
import dev.jnim.kv.ImageKvPool;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * First-come-first-served continuous batching with chunked prefill, as vLLM's scheduler: each
 * step has a token budget; running sequences go first (one token each when decoding, the next
 * chunk of their prompt otherwise), then waiting ones are admitted in arrival order while the
 * budget, {@code maxNumSeqs} and free blocks allow. When a running sequence needs a block and
 * none is left, the newest running sequence is preempted: its blocks are freed and it goes back
 * to the front of the queue, to be recomputed later (its sampler state is kept, so its output is
 * the same as if it had never been interrupted).
 *
 * <p>Cross-attention models (Llama 3.2 Vision) have a second pool, the image KV pool: a request with images
 * is admitted only when the image pool has a slot for each of its images as well as text blocks for its next
 * chunk. A request that waits for image slots keeps its place in the queue and does not hold back requests
 * behind it that need no image slots (text-only ones); admission stops at the first request the text pool
 * cannot take. Preemption, cancellation and completion give the image slots back.
 *
 * <p>Threading: engine thread only.
 */
final class Scheduler {

    /** One sequence's share of a step: {@code tokens} tokens starting at its {@code numComputed}. */
    record Chunk(Sequence seq, int start, int tokens) {
        boolean completesPending() {
            return start + tokens == seq.length();
        }
    }

    private final BlockManager blocks;
    private final int maxNumSeqs;
    private final int maxBatchedTokens;
    final Deque<Sequence> waiting = new ArrayDeque<>();
    final List<Sequence> running = new ArrayList<>();
    private long preemptions;

    private final long encoderWindowNanos;
    private final ImageKvPool imagePool;
    /** Waiting requests the last step left waiting for lack of text blocks, and for lack of image slots. */
    private int waitingOnText;
    private int waitingOnImages;

    Scheduler(BlockManager blocks, int maxNumSeqs, int maxBatchedTokens, long encoderWindowNanos) {
        this(blocks, null, maxNumSeqs, maxBatchedTokens, encoderWindowNanos);
    }

    /** {@code imagePool} null: no cross-attention model (images, if any, enter the text sequence). */
    Scheduler(BlockManager blocks, ImageKvPool imagePool, int maxNumSeqs, int maxBatchedTokens,
              long encoderWindowNanos) {
        this.imagePool = imagePool;
        this.encoderWindowNanos = encoderWindowNanos;
        this.blocks = blocks;
        this.maxNumSeqs = maxNumSeqs;
        this.maxBatchedTokens = maxBatchedTokens;
    }

    boolean idle() {
        return waiting.isEmpty() && running.isEmpty();
    }

    long preemptions() {
        return preemptions;
    }

    /** As of the last step; 0 once nothing waits (cancellations may empty the queue between steps). */
    int waitingOnText() {
        return waiting.isEmpty() ? 0 : Math.min(waitingOnText, waiting.size());
    }

    int waitingOnImages() {
        return waiting.isEmpty() ? 0 : Math.min(waitingOnImages, waiting.size());
    }

    /** Image slots {@code s} still has to take before it can run (0 without a cross-attention model). */
    private int imageSlotsNeeded(Sequence s) {
        return imagePool == null || s.imageSlots != null ? 0 : s.request.images().size();
    }

    void add(Sequence s) {
        waiting.addLast(s);
    }

    /** Plans one step. The chunks' block tables hold every block the step will write. */
    List<Chunk> schedule() {
        List<Chunk> plan = new ArrayList<>();
        int budget = maxBatchedTokens;
        for (int i = 0; i < running.size() && budget > 0; i++) {
            Sequence s = running.get(i);
            int n = Math.min(s.pending(), budget);
            boolean placed = true;
            while (!blocks.ensureCapacity(s.blocks, s.numComputed + n)) {
                Sequence victim = running.getLast();
                preempt(victim);
                if (victim == s) {
                    placed = false;
                    break;
                }
            }
            if (!placed) {
                break;
            }
            plan.add(new Chunk(s, s.numComputed, n));
            budget -= n;
        }
        // NIM_ENCODER_BATCHING_MS: a request with images at the head of the queue waits up to the
        // window for others to arrive; then all of them are admitted together and share one encoder run.
        Sequence head = waiting.peekFirst();
        boolean hold = head != null && head.needsImages() && System.nanoTime() - head.arrivalNanos < encoderWindowNanos;
        waitingOnText = 0;
        waitingOnImages = 0;
        boolean textFull = false;
        for (Iterator<Sequence> it = waiting.iterator(); it.hasNext(); ) {
            Sequence s = it.next();
            int slots = imageSlotsNeeded(s);
            if (slots > 0 && slots > imagePool.free()) {
                waitingOnImages++; // keeps its place; later text-only requests may still start
                continue;
            }
            if (textFull) {
                waitingOnText++;
                continue;
            }
            if (hold || budget <= 0 || running.size() >= maxNumSeqs) {
                break;
            }
            if (s.blocks.size() == 0 && s.numComputed == 0) {
                // Reuse cached full blocks, but always leave the last prompt token to compute:
                // its logits give the first output token.
                int cached = blocks.reusePrefix(s.blocks, s.tokens(), s.length() - 1, s.blockExtras);
                s.numComputed = cached;
                s.committedBlocks = cached / dev.jnim.kv.KvLayout.BLOCK_SIZE;
                long h = 0;
                for (int b = 0; b < s.committedBlocks; b++) {
                    h = BlockManager.hash(h, s.tokens(), b * dev.jnim.kv.KvLayout.BLOCK_SIZE, s.extra(b));
                }
                s.lastBlockHash = h;
                if (s.cachedPromptTokens < 0) {
                    s.cachedPromptTokens = cached;
                }
            }
            int n = Math.min(s.pending(), budget);
            if (!blocks.ensureCapacity(s.blocks, s.numComputed + n)) {
                if (plan.isEmpty() && running.isEmpty()) {
                    // Nothing else holds memory: take a smaller chunk rather than wait forever.
                    int fit = (s.blocks.size() + blocks.available()) * dev.jnim.kv.KvLayout.BLOCK_SIZE - s.numComputed;
                    if (fit > 0 && blocks.ensureCapacity(s.blocks, s.numComputed + Math.min(n, fit))) {
                        n = Math.min(n, fit);
                    } else {
                        textFull = true;
                        waitingOnText++;
                        continue;
                    }
                } else {
                    releaseWaiting(s);
                    textFull = true;
                    waitingOnText++;
                    continue;
                }
            }
            if (slots > 0) {
                s.imageSlots = imagePool.allocate(slots);
            }
            it.remove();
            s.status = Sequence.Status.RUNNING;
            running.add(s);
            plan.add(new Chunk(s, s.numComputed, n));
            budget -= n;
        }
        return plan;
    }

    /** A waiting sequence that could not start gives back the cached blocks it took. */
    private void releaseWaiting(Sequence s) {
        blocks.free(s.blocks);
        s.numComputed = 0;
        s.committedBlocks = 0;
    }

    private void preempt(Sequence s) {
        running.remove(s);
        blocks.free(s.blocks);
        releaseImages(s);
        s.numComputed = 0;
        s.committedBlocks = 0;
        s.lastBlockHash = 0;
        s.status = Sequence.Status.WAITING;
        s.preemptions++;
        preemptions++;
        waiting.addFirst(s);
    }

    /** Removes a finished or cancelled sequence and frees its blocks. */
    void remove(Sequence s) {
        if (!running.remove(s)) {
            waiting.remove(s);
        }
        blocks.free(s.blocks);
        releaseImages(s);
        s.status = Sequence.Status.FINISHED;
    }

    /** Gives back a sequence's image slots; its image states are written again if it runs again. */
    private void releaseImages(Sequence s) {
        if (s.imageSlots != null) {
            imagePool.free(s.imageSlots);
            s.imageSlots = null;
            s.cross = null;
        }
    }
}
