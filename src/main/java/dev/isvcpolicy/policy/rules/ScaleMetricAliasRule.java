package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentMutation;
import dev.isvcpolicy.policy.Edits;
import dev.isvcpolicy.policy.Review;

/** {@code scaleMetric: qps}, the spelling in KServe's own docs, which its CRD refuses: rewrite it to {@code rps}. */
public final class ScaleMetricAliasRule implements ComponentMutation {

    public static final String ID = "scale-metric-alias";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "scaleMetric qps (as in KServe's docs) is rewritten to rps, the value the CRD accepts";
    }

    @Override
    public String why() {
        return "KServe's own autoscaling docs write scaleMetric: qps, but the InferenceService CRD accepts only cpu, memory, concurrency and rps: without the rewrite the API server's schema check refuses the object right after the webhook.";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return Scaling.scaleMetric(c).filter("qps"::equals).isPresent();
    }

    @Override
    public void mutate(Component c, Review review, Edits edits) {
        if (edits.set(c.field("scaleMetric"), "rps")) {
            edits.notice(c.field("scaleMetric"), "rewrote \"qps\" to \"rps\" (the CRD accepts only cpu, memory, concurrency, rps)");
        }
    }
}
