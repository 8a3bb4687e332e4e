package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentValidation;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import java.util.List;
import java.util.Optional;

/**
 * A {@code scaleTarget} out of range for its metric: cpu 1–100 (percent), memory (MiB), concurrency and
 * rps at least 1. Also {@code memory} with no target under Knative's HPA class ({@code hpa.autoscaling.knative.dev},
 * neither {@code scaleTarget} nor an {@code autoscaling.knative.dev/target} in force) or KServe's HPA (no
 * {@code scaleTarget}): either builds the HPA's memory metric only from a target, so the HPA would scale on cpu 80%.
 */
public final class ScaleTargetRule implements ComponentValidation {

    public static final String ID = "scale-target";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "scaleTarget must fit its metric: cpu 1-100 (percent), memory 1 or more (MiB per pod under Knative-HPA and KEDA, percent of the request under KServe's HPA), concurrency and rps 1 or more; memory under either HPA needs a target (scaleTarget, or autoscaling.knative.dev/target under Knative-HPA), else the HPA scales on cpu";
    }

    @Override
    public String why() {
        return "The CRD accepts any integer, but a cpu target above 100 percent is never reached and a target below 1 never settles.";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return (Json.has(c.spec(), "scaleTarget") || c.autoscaler() == Autoscaler.KNATIVE_HPA || c.autoscaler() == Autoscaler.HPA)
                && c.autoscaler().followsMetrics() && !Scaling.customKnativeClass(c, review); // RULES.md §2: a custom class reads the target in its own units
    }

    @Override
    public void check(Component c, Review review, Findings f) {
        if (!Json.has(c.spec(), "scaleTarget")) {
            memoryWithoutTarget(c, review, f);
            return;
        }
        Json.IntField target = Json.int32(c.spec(), "scaleTarget");
        if (target.invalid()) {
            f.deny(c.field("scaleTarget"), "must be a whole number no larger than 2147483647 (got " + Json.show(target.raw()) + ")");
            return;
        }
        // keda's scaleTarget alone becomes a cpu target (keda-metrics); a custom class's metric is its own
        Optional<String> known = Scaling.effectiveMetric(c, review);
        if (known.isEmpty() && c.autoscaler() == Autoscaler.KEDA) {
            known = Optional.of("cpu");
        }
        if (known.isEmpty()) {
            return;
        }
        String metric = known.get();
        Optional<String> problem = Scaling.targetRangeProblem(metric, target.get());
        if (problem.isPresent()) {
            f.deny(c.field("scaleTarget"), "is " + target.get() + " with metric " + metric + ": " + problem.get());
        }
    }

    /**
     * Memory with no target under either HPA ({@link Scaling#memoryWithoutTarget}): the HPA then gets no memory
     * metric and scales on cpu 80%.
     */
    private static void memoryWithoutTarget(Component c, Review review, Findings f) {
        if (!Scaling.memoryWithoutTarget(Scaling.effectiveMetric(c, review).orElse(""), c, review)) {
            return;
        }
        FieldPath metric = Json.has(c.spec(), "scaleMetric") ? c.field("scaleMetric")
                : review.effective(c, Annotations.KNATIVE_METRIC).map(Review.Annotation::path).orElse(c.field("scaleMetric"));
        String who = c.autoscaler() == Autoscaler.HPA ? "KServe's HPA: without it KServe" : "Knative's HPA class: without a target Knative";
        f.add(Action.DENY, Finding.Type.REQUIRED, List.of(c.field("scaleTarget"), metric), null,
                "is required for memory under " + who + " gives the HPA no metric and it scales on cpu 80% instead; set "
                        + Scaling.memoryTargetHint(c));
    }
}
