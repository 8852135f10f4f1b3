package dev.jnim.loadgen;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic prompts of random common English words. Common words are one token each
 * in the usual BPE and SentencePiece vocabularies (with their leading space), so {@code n} words is
 * about {@code n} tokens; the server's {@code usage.prompt_tokens} gives the real figure, which
 * also includes the chat template's tokens.
 *
 * <p>The shared prefix depends only on the seed; the unique part on the seed and the request's
 * number, so a rerun with the same seed sends the same prompts, and no two requests of a run (even
 * at different concurrency levels) share more than the prefix — a prefix cache must not turn later
 * levels into full-prompt hits. Immutable and thread-safe.
 */
public final class PromptFactory {

    /** Frequent English words (single tokens in GPT-2, Llama and Qwen vocabularies). */
    static final List<String> WORDS = List.of(
            "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on",
            "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had",
            "they", "you", "were", "their", "one", "all", "we", "can", "her", "has", "there", "been", "if",
            "more", "when", "will", "would", "who", "so", "no", "time", "people", "year", "way", "day",
            "man", "thing", "woman", "life", "child", "world", "school", "state", "family", "student",
            "group", "country", "problem", "hand", "part", "place", "case", "week", "company", "system",
            "program", "question", "work", "government", "number", "night", "point", "home", "water",
            "room", "mother", "area", "money", "story", "fact", "month", "lot", "right", "study", "book",
            "eye", "job", "word", "business", "issue", "side", "kind", "head", "house", "service", "friend",
            "father", "power", "hour", "game", "line", "end", "member", "law", "car", "city", "name",
            "team", "minute", "idea", "body", "information", "back", "parent", "face", "level", "office",
            "door", "health", "person", "art", "war", "history", "party", "result", "change", "morning",
            "reason", "research", "girl", "guy", "moment", "air", "teacher", "force", "education", "good",
            "new", "first", "last", "long", "great", "little", "own", "other", "old", "big", "high",
            "different", "small", "large", "next", "early", "young", "important", "few", "public", "bad",
            "same", "able", "make", "know", "take", "see", "come", "think", "look", "want", "give", "use",
            "find", "tell", "ask", "seem", "feel", "try", "leave", "call", "keep", "let", "begin", "show",
            "hear", "play", "run", "move", "like", "live", "believe", "hold", "bring", "happen", "write",
            "provide", "sit", "stand", "lose", "pay", "meet", "include", "continue", "set", "learn", "lead",
            "understand", "watch", "follow", "stop", "create", "speak", "read", "spend", "grow", "open",
            "walk", "win", "offer", "remember", "love", "consider", "appear", "buy", "wait", "serve", "die",
            "send", "expect", "build", "stay", "fall", "cut", "reach", "kill", "remain", "river", "tree");

    private final long seed;
    private final int promptWords;
    private final int uniqueWords;
    private final String sharedPrefix;

    /**
     * @param promptWords       total words per prompt (≥ 1)
     * @param sharedPrefixWords words of the shared prefix, 0 for none; less than {@code promptWords}
     *                          so that every prompt keeps a unique part
     */
    public PromptFactory(long seed, int promptWords, int sharedPrefixWords) {
        if (promptWords < 1) {
            throw new IllegalArgumentException("prompt tokens must be at least 1: " + promptWords);
        }
        if (sharedPrefixWords < 0 || sharedPrefixWords >= promptWords) {
            throw new IllegalArgumentException("shared prefix (" + sharedPrefixWords
                    + ") must be at least 0 and less than the prompt length (" + promptWords + ")");
        }
        this.seed = seed;
        this.promptWords = promptWords;
        this.uniqueWords = promptWords - sharedPrefixWords;
        this.sharedPrefix = words(new SplittableRandom(seed), sharedPrefixWords);
    }

    /** The prompt of request number {@code requestId} (any long; distinct ids give distinct unique parts). */
    public Prompt prompt(long requestId) {
        // SplittableRandom seeded with a mix of both: nearby ids give unrelated streams.
        String unique = words(new SplittableRandom(mix(seed ^ mix(requestId + 0x632BE59BD9B4E019L))), uniqueWords);
        return new Prompt(sharedPrefix, unique, promptWords);
    }

    private static String words(SplittableRandom random, int n) {
        StringBuilder sb = new StringBuilder(n * 6);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(WORDS.get(random.nextInt(WORDS.size())));
        }
        return sb.toString();
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser (as SplittableRandom uses). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
