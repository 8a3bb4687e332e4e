package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Setting;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentValidation;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import java.util.List;
import java.util.OptionalInt;

/** Replica counts that are negative, crossed, above the configured ceiling, or silently unbounded. */
public final class ReplicaBoundsRule implements ComponentValidation {

    public static final Setting<OptionalInt> MAX_CEILING = Setting.optionalInt("webhook.replicas.max-ceiling", 1,
            "Highest maxReplicas allowed, e.g. 50; unset: no ceiling.");

    @Override
    public List<Setting<?>> settings() {
        return List.of(MAX_CEILING);
    }

    public static final String ID = "replica-bounds";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "minReplicas/maxReplicas must be whole, non-negative, min <= max, and within the configured ceiling; warn when hpa/keda cannot scale (maxReplicas 0 or not set: it becomes minReplicas)";
    }

    @Override
    public String why() {
        return "Knative and the HPA refuse or misread negative bounds and a minimum above the maximum, and a cluster may want a ceiling on how far one service can grow.";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return c.autoscaler() != Autoscaler.NOT_SCALED;
    }

    @Override
    public void check(Component c, Review review, Findings f) {
        Json.IntField min = Json.int32(c.spec(), "minReplicas");
        Json.IntField max = Json.int32(c.spec(), "maxReplicas");
        if (min.invalid()) {
            f.deny(Finding.Type.INVALID, c.field("minReplicas"), min.raw(), "must be a whole number no larger than 2147483647 (got " + Json.show(min.raw()) + ")");
        } else if (min.valid() && min.get() < 0) {
            f.deny(Finding.Type.INVALID, c.field("minReplicas"), min.get(), "must be 0 or more (got " + min.get() + ")");
        }
        if (max.invalid()) {
            f.deny(Finding.Type.INVALID, c.field("maxReplicas"), max.raw(), "must be a whole number no larger than 2147483647 (got " + Json.show(max.raw()) + ")");
        } else if (max.valid() && max.get() < 0) {
            f.deny(Finding.Type.INVALID, c.field("maxReplicas"), max.get(), "must be 0 or more (got " + max.get() + ")");
        }
        if (min.valid() && max.valid() && max.get() > 0 && min.get() > max.get()) {
            f.add(Action.DENY, Finding.Type.INVALID, List.of(c.field("minReplicas"), c.field("maxReplicas")), min.get(), "minReplicas " + min.get() + " is above maxReplicas " + max.get()
                    + ": lower minReplicas or raise maxReplicas"); // one text that reads right on either field
        }
        OptionalInt ceiling = review.settings().get(MAX_CEILING);
        if (ceiling.isPresent()) {
            int cap = ceiling.getAsInt();
            if (max.valid() && max.get() > cap) {
                f.deny(c.field("maxReplicas"), "is " + max.get() + ", above this cluster's ceiling of " + cap
                        + " (webhook.replicas.max-ceiling): lower it to " + cap + " or less");
            } else if (review.mode() == DeploymentMode.KNATIVE && !max.invalid() && (!max.valid() || max.get() == 0)) {
                f.deny(c.field("maxReplicas"), (max.valid() ? "is 0" : "is not set") + ", which Knative reads as unbounded, while this cluster's ceiling is "
                        + cap + " (webhook.replicas.max-ceiling): set maxReplicas to " + cap + " or less");
            }
            if (min.valid() && min.get() > cap) {
                f.deny(c.field("minReplicas"), "is " + min.get() + ", above this cluster's ceiling of " + cap
                        + " (webhook.replicas.max-ceiling): lower it to " + cap + " or less");
            }
        }
        // KServe's HPA and ScaledObject take max(maxReplicas, minReplicas), and an absent maxReplicas is Go's 0
        // (hpa_reconciler.go createHPA, keda_reconciler.go): either way the component runs minReplicas and never scales.
        if (c.autoscaler() == Autoscaler.HPA || c.autoscaler() == Autoscaler.KEDA) {
            if (max.is(0)) {
                f.warn(c.field("maxReplicas"), "0 in Standard mode makes maxReplicas equal minReplicas: the component will not scale; set maxReplicas above minReplicas");
            } else if (!Json.has(c.spec(), "maxReplicas") && !c.isCanary()) {
                f.warn(c.field("maxReplicas"), "is not set, which KServe reads as 0 in Standard mode: maxReplicas becomes minReplicas and the "
                        + "component will not scale; set maxReplicas above minReplicas");
            }
        }
    }
}
