package dev.isvcpolicy.bench;

import dev.isvcpolicy.admission.AnswerEncoder;
import dev.isvcpolicy.admission.Responses;
import dev.isvcpolicy.admission.ReviewCodec;
import dev.isvcpolicy.audit.AuditRecord;
import dev.isvcpolicy.policy.ClusterState;
import dev.isvcpolicy.policy.Decider;
import dev.isvcpolicy.policy.Decision;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.PolicySettings;
import dev.isvcpolicy.policy.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One review's stages (decode, decide, answer, audit line) timed one by one, first back to back and then
 * paced like admission traffic (one review every 20 ms), in one run: what each stage costs once its code
 * and data have gone cold between requests. {@code parse} is a probe before them: the body parsed into a
 * tree alone, cold, so that {@code decode} (the same parse again, then the envelope) shows what reading the
 * envelope adds. {@code whole} is decode to audit line. Medians in µs. {@code bench/jmh.sh --paced [reviews]}
 * ({@code JAVA_OPTS=-Dendpoint=validate} for {@code /validate});
 * {@code -Dpause=spin} waits by spinning instead of sleeping, {@code -Dpause=thrash} spins over an 8 MiB array;
 * {@code -DgapMicros=1000} sets the time between paced reviews (how fast the stages go cold with time).
 */
public final class EnginePaced {

    static volatile Object sink;
    /** {@code -Dendpoint=validate}: the /validate payload judged at the validating stage; /mutate otherwise. */
    static final boolean VALIDATE = "validate".equals(System.getProperty("endpoint"));
    static final com.fasterxml.jackson.databind.ObjectMapper TREE = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final String[] STAGES = {"parse", "decode", "decide", "answer", "audit line", "whole"};

    private EnginePaced() {
    }

    public static void main(String[] args) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(VALIDATE ? "bench/validate-review.json" : "bench/mutate-review.json"));
        Decider decider = new Decider(new PolicyEngine(PolicySettings.defaults()));
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        for (int i = 0; i < 200_000; i++) {
            review(decider, body, new long[6]);
        }
        long[][] tight = run(decider, body, n * 10, 0);
        long[][] paced = run(decider, body, n, GAP_MICROS);
        System.out.printf("median us per stage: back to back (%d reviews) and paced (%d reviews, one every %d us, pause=%s)%n",
                n * 10, n, GAP_MICROS, MODE);
        System.out.printf("%-12s %10s %10s %8s%n", "stage", "tight", "paced", "ratio");
        for (int s = 0; s < STAGES.length; s++) {
            double t = median(tight[s]) / 1000.0;
            double p = median(paced[s]) / 1000.0;
            System.out.printf("%-12s %10.1f %10.1f %8.1f%n", STAGES[s], t, p, p / t);
        }
    }

    private static long[][] run(Decider decider, byte[] body, int n, long pauseMicros) throws Exception {
        long[][] times = new long[STAGES.length][n];
        long[] t = new long[6];
        for (int i = 0; i < n; i++) {
            if (pauseMicros > 0) {
                pause(pauseMicros);
            }
            review(decider, body, t);
            for (int s = 0; s < 5; s++) {
                times[s][i] = t[s + 1] - t[s];
            }
            times[5][i] = t[5] - t[1]; // decode to audit line: the parse before it is a probe
        }
        return times;
    }

    private static void review(Decider decider, byte[] body, long[] t) throws Exception {
        t[0] = System.nanoTime();
        sink = TREE.readTree(body);
        t[1] = System.nanoTime();
        ReviewCodec.Decoded d = ReviewCodec.decode(body);
        t[2] = System.nanoTime();
        var req = d.request();
        Decision decision = decider.decide(new Decider.Input(VALIDATE ? Stage.VALIDATE : Stage.MUTATE, req.group(), req.kind(),
                req.operation(), req.namespace(), req.name(), d.object(), d.oldObject(), true), ClusterState.NONE);
        t[3] = System.nanoTime();
        sink = AnswerEncoder.encode(Responses.review(Responses.patch(d.uid(), decision.ops(), decision.warningLines(),
                decision.auditAnnotations())));
        t[4] = System.nanoTime();
        AuditRecord record = new AuditRecord();
        record.endpoint = VALIDATE ? "validate" : "mutate";
        record.uid = d.uid();
        record.from(decision);
        sink = record.line();
        t[5] = System.nanoTime();
    }

    static final String MODE = System.getProperty("pause", "sleep");
    /** {@code -DgapMicros}: the time between two paced reviews, in µs; 20,000 (50 reviews a second) unless set. */
    static final long GAP_MICROS = Long.getLong("gapMicros", 20_000);
    static final byte[] JUNK = new byte[Integer.getInteger("junk", 8 << 20)];

    private static void pause(long micros) throws InterruptedException {
        if (MODE.equals("sleep")) {
            Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
            return;
        }
        long end = System.nanoTime() + micros * 1_000;
        int k = 0;
        while (System.nanoTime() < end) {
            if (MODE.equals("thrash")) {
                for (int j = 0; j < 4096; j++) {
                    k = (k + 64) % JUNK.length;
                    JUNK[k]++;
                }
            }
        }
    }

    private static double median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
