package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentValidation;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import java.util.Optional;

/** A {@code scaleTarget} out of range for its metric: cpu 1–100 (percent), memory/concurrency/rps at least 1. */
public final class ScaleTargetRule implements ComponentValidation {

    public static final String ID = "scale-target";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "scaleTarget must fit its metric: cpu 1-100 (percent), memory (MiB), concurrency and rps 1 or more";
    }

    @Override
    public String why() {
        return "The CRD accepts any integer, but a cpu target above 100 percent is never reached and a target below 1 never settles.";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return Json.has(c.spec(), "scaleTarget") && c.autoscaler() != Autoscaler.NOT_SCALED
                && c.autoscaler() != Autoscaler.EXTERNAL && c.autoscaler() != Autoscaler.NONE;
    }

    @Override
    public void check(Component c, Review review, Findings f) {
        Json.IntField target = Json.int32(c.spec(), "scaleTarget");
        if (target.invalid()) {
            f.deny(c.field("scaleTarget"), "must be a whole number no larger than 2147483647 (got " + Json.show(target.raw()) + ")");
            return;
        }
        // keda's scaleTarget alone becomes a cpu target (keda-metrics); a custom class's metric is its own
        Optional<String> known = Scaling.effectiveMetric(c, review)
                .or(() -> c.autoscaler() == Autoscaler.KEDA ? Optional.of("cpu") : Optional.empty());
        if (known.isEmpty()) {
            return;
        }
        String metric = known.get();
        Optional<String> problem = Scaling.targetRangeProblem(metric, target.get());
        problem.ifPresent(p -> f.deny(c.field("scaleTarget"), "is " + target.get() + " with metric " + metric + ": " + p));
    }
}
