package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentMutation;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Edits;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import java.util.Optional;

/**
 * No {@code scaleMetric} and no {@code autoScaling}: write the autoscaler's default metric (KPA
 * concurrency, HPA cpu). A Knative metric annotation already says the metric, so it is left alone.
 * When the legacy annotation {@code serving.kserve.io/metrics} (component, else InferenceService) names a metric
 * this autoscaler can use (exactly as written, e.g. {@code memory} under an HPA), that metric is written instead:
 * it is the user's intent, though KServe no longer reads the annotation ({@code scale-metric} warns about it).
 */
public final class DefaultScaleMetricRule implements ComponentMutation {

    public static final String ID = "default-scale-metric";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "scaleMetric and autoScaling absent: write the metric of the legacy serving.kserve.io/metrics annotation when the "
                + "autoscaler can use it, else the autoscaler's default (KPA concurrency, HPA cpu)";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return !Json.has(c.spec(), "scaleMetric") && !Json.has(c.spec(), "autoScaling")
                && review.settings().defaultMetric(c.autoscaler()).isPresent()
                && !(review.mode() == DeploymentMode.KNATIVE && review.effective(c, Annotations.KNATIVE_METRIC).isPresent());
    }

    @Override
    public void mutate(Component c, Review review, Edits edits) {
        Optional<Review.Annotation> legacy = review.effective(c, Annotations.LEGACY_METRICS)
                .filter(a -> c.autoscaler().scaleMetrics().contains(a.value()));
        if (legacy.isPresent()) {
            if (edits.set(c.field("scaleMetric"), legacy.get().value())) {
                edits.notice(c.field("scaleMetric"), "set to " + legacy.get().value() + " from the legacy annotation "
                        + Annotations.LEGACY_METRICS + ", which KServe no longer reads");
            }
            return;
        }
        edits.set(c.field("scaleMetric"), review.settings().defaultMetric(c.autoscaler()).orElseThrow());
    }
}
