package dev.jnim.loadgen;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one concurrency level. Rates divide by the level's wall time, from its start
 * to the end of its last request, and count successful requests only (as vLLM's benchmark does);
 * latencies are over the successful requests too.
 *
 * @param concurrency          closed-loop workers
 * @param requests             requests planned
 * @param succeeded            requests that streamed to their end
 * @param failed               requests counted in {@code errors}
 * @param notStarted           requests never sent because the run's time ran out
 * @param maxInFlight          the most requests the client had in flight at once
 * @param durationSeconds      wall time of the level
 * @param outputTokens         output tokens of the successful requests
 * @param requestsWithUsage    successful requests whose token count came from {@code usage}
 *                             (the others count content chunks)
 * @param meanPromptTokens     mean {@code usage.prompt_tokens}, NaN when the server reports none
 * @param meanCachedTokens     mean {@code usage.prompt_tokens_details.cached_tokens}, NaN when none
 * @param ttft                 time to first token
 * @param itl                  inter-token latency, all samples of all requests (see {@link InterTokenLatencies})
 * @param e2e                  end-to-end latency
 * @param errors               failure counts by label ({@code http_500}, {@code timeout}, ...), sorted
 * @param errorExamples        the first message seen for each label
 */
public record LevelReport(int concurrency, int requests, int succeeded, int failed, int notStarted, int maxInFlight,
                          double durationSeconds, long outputTokens, int requestsWithUsage, double meanPromptTokens,
                          double meanCachedTokens, Summary ttft, Summary itl, Summary e2e, Map<String, Integer> errors,
                          Map<String, String> errorExamples) {

    public LevelReport {
        errors = Collections.unmodifiableMap(new TreeMap<>(errors));
        errorExamples = Collections.unmodifiableMap(new TreeMap<>(errorExamples));
    }

    /** Successful requests per second. */
    public double requestsPerSecond() {
        return durationSeconds > 0 ? succeeded / durationSeconds : 0;
    }

    /** Output tokens of successful requests per second. */
    public double outputTokensPerSecond() {
        return durationSeconds > 0 ? outputTokens / durationSeconds : 0;
    }

    /** Summarises the results of one level ({@code results} holds only the requests that were sent). */
    static LevelReport of(int concurrency, int requests, List<RequestResult> results, int maxInFlight,
                          long durationNanos) {
        int ok = 0;
        long tokens = 0;
        int withUsage = 0;
        long promptSum = 0;
        int promptCount = 0;
        long cachedSum = 0;
        int cachedCount = 0;
        int itlCount = 0;
        var errors = new TreeMap<String, Integer>();
        var examples = new TreeMap<String, String>();
        for (RequestResult r : results) {
            switch (r) {
                case RequestResult.Success s -> {
                    ok++;
                    tokens += s.outputTokens();
                    withUsage += s.usageReported() ? 1 : 0;
                    itlCount += s.itlNanos().length;
                    if (s.promptTokens() >= 0) {
                        promptSum += s.promptTokens();
                        promptCount++;
                    }
                    if (s.cachedTokens() >= 0) {
                        cachedSum += s.cachedTokens();
                        cachedCount++;
                    }
                }
                case RequestResult.Failure f -> {
                    errors.merge(f.label(), 1, Integer::sum);
                    examples.putIfAbsent(f.label(), f.message());
                }
            }
        }
        double[] ttft = new double[ok];
        double[] e2e = new double[ok];
        double[] itl = new double[itlCount];
        int nTtft = 0;
        int nE2e = 0;
        int nItl = 0;
        for (RequestResult r : results) {
            if (r instanceof RequestResult.Success s) {
                if (s.ttftNanos() >= 0) {
                    ttft[nTtft++] = s.ttftNanos();
                }
                e2e[nE2e++] = s.e2eNanos();
                System.arraycopy(s.itlNanos(), 0, itl, nItl, s.itlNanos().length);
                nItl += s.itlNanos().length;
            }
        }
        return new LevelReport(concurrency, requests, ok, results.size() - ok, requests - results.size(), maxInFlight,
                durationNanos / 1e9, tokens, withUsage,
                promptCount > 0 ? (double) promptSum / promptCount : Double.NaN,
                cachedCount > 0 ? (double) cachedSum / cachedCount : Double.NaN,
                Summary.ofNanos(Arrays.copyOf(ttft, nTtft)), Summary.ofNanos(itl), Summary.ofNanos(e2e),
                errors, examples);
    }
}
