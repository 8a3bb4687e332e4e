package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentValidation;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import java.util.List;

/**
 * {@code minReplicas: 0} where the autoscaler cannot reach zero (KServe would silently keep one replica), or where
 * KEDA would refuse it (cpu/memory metrics only). A keda component without {@code autoScaling} is none (KServe after
 * v0.20): with {@code minReplicas: 0} KServe pins it at zero replicas, which is warned (an explicit none at 0 is left
 * alone: parking a component is a choice).
 */
public final class ScaleToZeroRule implements ComponentValidation {

    public static final String ID = "scale-to-zero";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "minReplicas 0 is refused with an HPA, and with KEDA on cpu/memory metrics only";
    }

    @Override
    public String why() {
        return "An HPA cannot scale to zero, so KServe silently runs one replica; KEDA cannot wake a Deployment from zero on cpu or memory, since at zero there is no usage to measure.";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return Json.int32(c.spec(), "minReplicas").is(0);
    }

    @Override
    public void check(Component c, Review review, Findings f) {
        Autoscaler a = c.autoscaler();
        if (a == Autoscaler.HPA || a == Autoscaler.KNATIVE_HPA) {
            f.deny(c.field("minReplicas"), "an HPA cannot scale to zero (KServe would silently run 1 replica): set minReplicas to 1 or more, "
                    + "or scale to zero with Knative's KPA or with KEDA on a request metric");
        } else if (a == Autoscaler.NONE && Scaling.kedaClass(c, review) && !c.isCanary()) {
            // A graph has no autoScaling field (RULES.md §1 v2): only the replicas, or another autoscaler, can help it.
            String message = c.isGraph()
                    ? "the graph has autoscalerClass keda, which KServe treats as none for a graph (it has no autoScaling), and pins it at "
                            + "minReplicas 0: it never runs. Set minReplicas to 1 or more, or scale the graph to zero with Knative's KPA "
                            + "(Knative mode)"
                    : "the " + c.label() + " has autoscalerClass keda but no autoScaling, so KServe treats it as none and pins it at "
                            + "minReplicas 0: it never runs. Add autoScaling.metrics with a request metric (External or PodMetric) to scale "
                            + "it from zero, or set minReplicas to 1 or more";
            f.warn(Finding.Type.INVALID, c.field("minReplicas"), 0, message);
        } else if (a == Autoscaler.KEDA) {
            List<Scaling.Metric> metrics = Scaling.metrics(c);
            if (!metrics.isEmpty() && metrics.stream().allMatch(Scaling.Metric::isResource)) {
                // Its subject is the component's autoScaling (RULES.md §7): it pairs only with an earlier KEDA deny, so an
                // UPDATE that switches an hpa component at minReplicas 0 (KServe quietly runs 1 replica) to keda on cpu
                // (KEDA refuses KServe's ScaledObject) is a new deny, while an UPDATE of a keda component that already had it
                // (a label, a fixed target) keeps it pre-existing.
                f.add(Action.DENY, Finding.Type.INVALID, List.of(c.field("minReplicas")), c.field("autoScaling"), -1, null,
                        "KEDA cannot scale to zero on cpu/memory alone (there is no usage to measure at zero): set minReplicas to 1 or "
                                + "more, or add an External or PodMetric metric to " + Scaling.metricsPath(c));
            }
        }
    }
}
