package dev.isvcpolicy.policy.rules;

import java.util.List;
import dev.isvcpolicy.policy.Setting;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentValidation;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;

/** {@code containerConcurrency}: Knative's hard limit per replica, 0 (unlimited) to 1000. */
public final class ContainerConcurrencyRule implements ComponentValidation {

    public static final Setting<Integer> MAX = Setting.integer("webhook.replicas.container-concurrency-max", 1000, 1, Integer.MAX_VALUE,
            "Highest containerConcurrency allowed (Knative's own limit), e.g. 1000.");

    @Override
    public List<Setting<?>> settings() {
        return List.of(MAX);
    }

    public static final String ID = "container-concurrency";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "containerConcurrency must be 0 to 1000; warn when ignored (Standard) or unreachable by scaleTarget";
    }

    @Override
    public String why() {
        return "Knative refuses containerConcurrency above its limit (1000) when it creates the revision, and a soft target above the hard limit can never be reached.";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return Json.has(c.spec(), "containerConcurrency") && c.autoscaler() != Autoscaler.NOT_SCALED;
    }

    @Override
    public void check(Component c, Review review, Findings f) {
        Json.IntField cc = Json.int32(c.spec(), "containerConcurrency");
        int max = review.settings().get(MAX);
        if (!cc.valid() || cc.get() < 0 || cc.get() > max) {
            f.deny(c.field("containerConcurrency"), "must be a whole number from 0 (unlimited) to " + max
                    + " (got " + Json.show(cc.raw()) + ")");
            return;
        }
        if (review.mode() == DeploymentMode.STANDARD) {
            f.warn(c.field("containerConcurrency"), "ignored in Standard mode: only Knative enforces a per-replica request limit");
            return;
        }
        Json.IntField target = Json.int32(c.spec(), "scaleTarget");
        if (cc.get() > 0 && target.valid() && target.get() > cc.get()
                && Scaling.effectiveMetric(c, review).filter("concurrency"::equals).isPresent()) {
            f.warn(c.field("scaleTarget"), "is " + target.get() + ", above containerConcurrency " + cc.get()
                    + ": a replica never holds more than " + cc.get() + " requests, so this target is never reached; set scaleTarget to "
                    + cc.get() + " or less");
        }
    }
}
