package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Setting;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentValidation;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * {@code containerConcurrency}: Knative's hard limit of requests per replica, 0 (unlimited) to 1000
 * (configurable). Denied outside that range. Warned: set in Standard mode (only Knative enforces it);
 * a concurrency target above a non-zero limit, which does nothing (Knative's {@code ResolveMetricTarget} caps the
 * concurrency target at containerConcurrency). The target is the component's {@code scaleTarget}, else the
 * {@code autoscaling.knative.dev/target} annotation in force (the component's, else the
 * InferenceService's), as KServe passes it to Knative.
 */
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
        return "containerConcurrency must be 0 to 1000; warn when ignored (Standard), or when the concurrency target (scaleTarget, else an autoscaling.knative.dev/target annotation at either level) is above it (Knative caps the target at containerConcurrency, so the value has no effect)";
    }

    @Override
    public String why() {
        return "Knative refuses containerConcurrency above its limit (1000) when it creates the revision, and caps a soft target above the hard limit at the limit, so a higher scaleTarget does nothing.";
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
        if (cc.get() == 0 || Scaling.effectiveMetric(c, review).filter("concurrency"::equals).isEmpty()) {
            return;
        }
        Json.IntField target = Json.int32(c.spec(), "scaleTarget");
        if (target.valid()) {
            if (target.get() > cc.get()) {
                f.add(Action.WARN, Finding.Type.INVALID, List.of(c.field("scaleTarget"), c.field("containerConcurrency")), target.get(),
                        "is " + target.get() + ", above containerConcurrency " + cc.get() + ": a replica never holds more than " + cc.get()
                                + " requests, so Knative caps the target at " + cc.get() + " and this value has no effect; set scaleTarget to " + cc.get() + " or less");
            }
            return;
        }
        // no scaleTarget: the target annotation KServe passes on (the component's, else the InferenceService's)
        Optional<Review.Annotation> annotated = review.effective(c, Annotations.KNATIVE_TARGET);
        Optional<BigDecimal> value = annotated.flatMap(a -> Json.parseDecimal(a.value()));
        if (value.isPresent() && value.get().compareTo(BigDecimal.valueOf(cc.get())) > 0) {
            f.add(Action.WARN, Finding.Type.INVALID, List.of(annotated.get().path(), c.field("containerConcurrency")), annotated.get().value(),
                    "is \"" + annotated.get().value() + "\", the concurrency target of " + c.label() + ", above its containerConcurrency " + cc.get()
                            + ": a replica never holds more than " + cc.get() + " requests, so Knative caps the target at " + cc.get() + " and this value has no effect; set "
                            + (annotated.get().onComponent() ? "it" : "it (or " + c.field("scaleTarget") + ")") + " to " + cc.get() + " or less");
        }
    }
}
