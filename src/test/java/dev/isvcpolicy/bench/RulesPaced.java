package dev.isvcpolicy.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.admission.ReviewCodec;
import dev.isvcpolicy.policy.ClusterView;
import dev.isvcpolicy.policy.ContextResolver;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.KnativeLimits;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.PolicySettings;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.RuleRegistry;
import dev.isvcpolicy.policy.Validation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code /validate}'s decide stage split by step: the context resolved, then each validating rule of
 * {@link RuleRegistry#VALIDATIONS} in turn, then the findings listed, timed on {@code bench/validate-review.json}
 * back to back and then one review every 20 ms ({@code -DgapMicros}, sleeping between reviews), as {@link EnginePaced}
 * does for the stages. Median µs per step. What it shows is where a cold decide stage's time goes; the figures move by a few µs between
 * JVMs (where the JIT puts the code), so compare runs of several processes. {@code bench/jmh.sh --rules [reviews]}.
 */
public final class RulesPaced {

    static volatile Object sink;

    /** µs slept between paced reviews; admission's pace of 50/s is one every 20,000. */
    private static final long GAP_MICROS = Long.getLong("gapMicros", 20_000);

    private RulesPaced() {
    }

    public static void main(String[] args) throws Exception {
        byte[] body = Files.readAllBytes(Path.of("bench/validate-review.json"));
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        PolicySettings settings = PolicySettings.defaults();
        List<Validation> rules = RuleRegistry.VALIDATIONS;
        String[] steps = new String[rules.size() + 3];
        steps[0] = "resolve";
        for (int r = 0; r < rules.size(); r++) {
            steps[r + 1] = rules.get(r).id();
        }
        steps[rules.size() + 1] = "findings listed";
        steps[rules.size() + 2] = "decide, whole";
        for (int i = 0; i < 200_000; i++) {
            review(body, settings, rules, new long[steps.length]);
        }
        long[][] tight = run(body, settings, rules, steps.length, n * 10, 0);
        long[][] paced = run(body, settings, rules, steps.length, n, GAP_MICROS);
        System.out.printf("/validate's decide stage by step, median us: back to back (%d reviews) and paced (%d, one every %d us)%n",
                n * 10, n, GAP_MICROS);
        System.out.printf("%-24s %8s %8s%n", "step", "tight", "paced");
        for (int s = 0; s < steps.length; s++) {
            System.out.printf("%-24s %8.1f %8.1f%n", steps[s], median(tight[s]) / 1000.0, median(paced[s]) / 1000.0);
        }
    }

    private static long[][] run(byte[] body, PolicySettings settings, List<Validation> rules, int steps, int n, long gapMicros)
            throws Exception {
        long[][] times = new long[steps][n];
        long[] t = new long[steps];
        for (int i = 0; i < n; i++) {
            if (gapMicros > 0) {
                Thread.sleep(gapMicros / 1000, (int) (gapMicros % 1000) * 1000);
            }
            review(body, settings, rules, t);
            for (int s = 0; s < steps; s++) {
                times[s][i] = t[s];
            }
        }
        return times;
    }

    /**
     * One review's decide stage, each step's ns into {@code t}: the same calls as {@code PolicyEngine.validate}'s
     * (resolve, each enabled rule that judges the kind, the findings listed) with two differences: no
     * {@code Findings.startRule} between rules (package-private; it only tags the findings that follow) and
     * {@code findings.all()} in place of the engine's copy with each rule's configured action applied (a walk over the
     * same findings: none or few on this review).
     */
    private static void review(byte[] body, PolicySettings settings, List<Validation> rules, long[] t) throws Exception {
        ReviewCodec.Decoded d = ReviewCodec.decode(body);
        long start = System.nanoTime();
        Review review = ContextResolver.resolve(Operation.CREATE, (ObjectNode) d.object(), null, d.request().namespace(),
                Optional.empty(), settings, ClusterView.OFF, KnativeLimits.UNKNOWN);
        long before = System.nanoTime();
        t[0] = before - start;
        Findings findings = new Findings();
        for (int r = 0; r < rules.size(); r++) {
            Validation rule = rules.get(r);
            if (settings.enabled(rule.id()) && RuleRegistry.judges(rule, review)) {
                rule.validate(review, findings);
            }
            long now = System.nanoTime();
            t[r + 1] = now - before;
            before = now;
        }
        sink = findings.all();
        long end = System.nanoTime();
        t[rules.size() + 1] = end - before;
        t[rules.size() + 2] = end - start;
    }

    private static double median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
