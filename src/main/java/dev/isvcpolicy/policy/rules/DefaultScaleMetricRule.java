package dev.isvcpolicy.policy.rules;

import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.PolicySettings;
import dev.isvcpolicy.policy.Setting;
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

    public static final Setting<Optional<String>> KPA_METRIC = metric("webhook.defaults.kpa-metric", "concurrency", "concurrency", "rps",
            "scaleMetric written for KPA components: concurrency, rps or none.");
    public static final Setting<Optional<String>> KNATIVE_HPA_METRIC = metric("webhook.defaults.knative-hpa-metric", "cpu", "cpu", "memory",
            "scaleMetric written for Knative-HPA components: cpu, memory or none.");
    public static final Setting<Optional<String>> HPA_METRIC = metric("webhook.defaults.hpa-metric", "cpu", "cpu", "memory",
            "scaleMetric written for Standard-mode hpa components: cpu, memory or none.");

    private static Setting<Optional<String>> metric(String key, String def, String a, String b, String doc) {
        Map<String, Optional<String>> values = new LinkedHashMap<>();
        values.put(a, Optional.of(a));
        values.put(b, Optional.of(b));
        values.put("none", Optional.empty());
        return Setting.choice(key, def, values, doc);
    }

    @Override
    public List<Setting<?>> settings() {
        return List.of(KPA_METRIC, KNATIVE_HPA_METRIC, HPA_METRIC);
    }

    /** The metric written for this autoscaler, if any (keda, external and none get nothing). */
    static Optional<String> defaultMetric(PolicySettings settings, Autoscaler autoscaler) {
        return switch (autoscaler) {
            case KPA -> settings.get(KPA_METRIC);
            case KNATIVE_HPA -> settings.get(KNATIVE_HPA_METRIC);
            case HPA -> settings.get(HPA_METRIC);
            default -> Optional.empty();
        };
    }

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
    public String why() {
        return "In Standard mode with no metric, KServe creates an HPA with no metric at all (it then never scales); writing the autoscaler's own default makes the scaling explicit and visible to the validations.";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return !Json.has(c.spec(), "scaleMetric") && !Json.has(c.spec(), "autoScaling")
                && defaultMetric(review.settings(), c.autoscaler()).isPresent()
                && !(review.mode() == DeploymentMode.KNATIVE && review.effective(c, Annotations.KNATIVE_METRIC).isPresent());
    }

    @Override
    public void mutate(Component c, Review review, Edits edits) {
        edits.set(c.field("scaleMetric"), defaultMetric(review.settings(), c.autoscaler()).orElseThrow());
    }
}
