package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentMutation;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Edits;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.PolicySettings;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.Setting;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * No {@code scaleMetric} and no {@code autoScaling}: write the autoscaler's default metric (KPA
 * concurrency, HPA cpu). A Knative metric annotation already says the metric, so it is left alone.
 * When the legacy annotation {@code serving.kserve.io/metrics} (component, else InferenceService) names a metric
 * this autoscaler can use (exactly as written, e.g. {@code memory} under an HPA), that metric is written instead:
 * it is the user's intent, though KServe no longer reads the annotation ({@code scale-metric} warns about it).
 * {@code memory} is written only where it has a target, since either HPA without one scales on cpu 80%.
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

    /** The setting that says this autoscaler's default metric; none for keda, external and none. */
    private static Optional<Setting<Optional<String>>> defaultSetting(Autoscaler autoscaler) {
        return switch (autoscaler) {
            case KPA -> Optional.of(KPA_METRIC);
            case KNATIVE_HPA -> Optional.of(KNATIVE_HPA_METRIC);
            case HPA -> Optional.of(HPA_METRIC);
            default -> Optional.empty();
        };
    }

    /** The metric written for this autoscaler, if any (keda, external and none get nothing). */
    static Optional<String> defaultMetric(PolicySettings settings, Autoscaler autoscaler) {
        return defaultSetting(autoscaler).flatMap(settings::get);
    }

    public static final String ID = "default-scale-metric";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "scaleMetric and autoScaling absent: write the metric of the legacy serving.kserve.io/metrics annotation when the "
                + "autoscaler can use it, else the autoscaler's default (KPA concurrency, HPA cpu); memory under Knative's HPA class "
                + "only with a target";
    }

    @Override
    public String why() {
        return "With no metric, each autoscaler falls back to its own default (KPA concurrency, an HPA cpu 80%); writing that default makes the scaling explicit and visible to the validations, and turns the legacy serving.kserve.io/metrics annotation, which KServe no longer reads, into the field it reads.";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return !Json.has(c.spec(), "scaleMetric") && !Json.has(c.spec(), "autoScaling")
                && defaultMetric(review.settings(), c.autoscaler()).isPresent()
                && !(review.mode() == DeploymentMode.KNATIVE && knativeMetricInForce(c, review));
    }

    /**
     * A Knative metric annotation decides the metric, unless it is the component's own and only mirrored the
     * {@code scaleMetric} this UPDATE removed: {@code knative-annotations} then removes it, and what is left decides: the
     * InferenceService's own metric annotation when there is one (KServe gives it to every component without one, as
     * a CREATE of the same manifest would have it), else the default, due now rather than on the next write (RULES.md
     * §1: {@code /mutate} on its own output adds nothing).
     */
    private static boolean knativeMetricInForce(Component c, Review review) {
        Optional<Review.Annotation> metric = review.effective(c, Annotations.KNATIVE_METRIC);
        if (metric.isEmpty()) {
            return false;
        }
        Optional<Review.Annotation> own = review.componentAnnotation(c, Annotations.KNATIVE_METRIC);
        return own.isEmpty() || !KnativeAnnotationsRule.mirroredInOldObject(review, c, Annotations.KNATIVE_METRIC, own.get().value())
                || !c.isGraph() && review.annotation(Annotations.KNATIVE_METRIC).isPresent(); // a graph's own is the object's
    }

    @Override
    public void mutate(Component c, Review review, Edits edits) {
        // qps is read as rps, as scale-metric-alias reads scaleMetric: qps.
        Optional<String> legacy = review.effective(c, Annotations.LEGACY_METRICS).map(a -> Scaling.fold(a.value()))
                .filter(v -> c.autoscaler().scaleMetrics().contains(v));
        if (legacy.isPresent()) {
            if (workable(legacy.get(), c, review)) {
                if (edits.set(c.field("scaleMetric"), legacy.get())) {
                    edits.notice(c.field("scaleMetric"), "set to " + legacy.get() + " from the legacy annotation "
                            + Annotations.LEGACY_METRICS + ", which KServe no longer reads");
                }
                return;
            }
            edits.notice(c.field("scaleMetric"), "not set to memory from the legacy annotation " + Annotations.LEGACY_METRICS
                    + ": " + needsTarget(c));
        }
        String metric = defaultMetric(review.settings(), c.autoscaler()).orElseThrow();
        if (workable(metric, c, review)) {
            edits.set(c.field("scaleMetric"), metric);
        } else if (legacy.isEmpty()) {
            edits.notice(c.field("scaleMetric"), "the configured default memory (" + defaultSetting(c.autoscaler()).orElseThrow().key() + ") was not written: "
                    + needsTarget(c));
        }
    }

    private static String needsTarget(Component c) {
        return "under " + (c.autoscaler() == Autoscaler.HPA ? "KServe's HPA" : "Knative's HPA class")
                + " memory needs a target, else the HPA scales on cpu 80%; for memory set scaleMetric: memory and "
                + Scaling.memoryTargetHint(c);
    }

    /**
     * Whether the metric works as written here: {@code memory} under either HPA needs a target
     * ({@link Scaling#memoryWithoutTarget}), else the HPA stays on cpu 80% ({@code scale-target} denies that). Writing
     * it without one would turn an object KServe runs (on cpu) into one {@code /validate} refuses (RULES.md §1).
     */
    private static boolean workable(String metric, Component c, Review review) {
        return !Scaling.memoryWithoutTarget(metric, c, review);
    }
}
