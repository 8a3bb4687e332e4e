package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentMutation;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Edits;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;

/**
 * No {@code scaleMetric} and no {@code autoScaling}: write the autoscaler's default metric (KPA
 * concurrency, HPA cpu). A Knative metric annotation already says the metric, so it is left alone.
 */
public final class DefaultScaleMetricRule implements ComponentMutation {

    public static final String ID = "default-scale-metric";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "scaleMetric and autoScaling absent: write the autoscaler's default metric (KPA concurrency, HPA cpu)";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return !Json.has(c.spec(), "scaleMetric") && !Json.has(c.spec(), "autoScaling")
                && review.settings().defaultMetric(c.autoscaler()).isPresent()
                && !(review.mode() == DeploymentMode.KNATIVE && review.effective(c, Annotations.KNATIVE_METRIC).isPresent());
    }

    @Override
    public void mutate(Component c, Review review, Edits edits) {
        edits.set(c.field("scaleMetric"), review.settings().defaultMetric(c.autoscaler()).orElseThrow());
    }
}
