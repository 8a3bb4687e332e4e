package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentValidation;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.FieldPath;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Two places saying different things, where KServe silently keeps one of them.
 *
 * <p>Knative mode: KServe writes {@code scaleTarget} as {@code autoscaling.knative.dev/target} and
 * {@code scaleMetric} as {@code autoscaling.knative.dev/metric} over whatever annotation the component
 * has. A component's own annotation that disagrees with its own field is silently overridden: deny.
 * An InferenceService-level annotation is a default KServe copies onto every component, and a
 * component's field (or own annotation) overriding it for that component is what KServe supports: no
 * finding. Only when every component the annotation reaches (every component but canaries) overrides it
 * with another value does it do nothing at all: warn.
 *
 * <p>Standard mode (hpa, keda): {@code scaleMetric}/{@code scaleTarget} beside {@code autoScaling.metrics}
 * are silently ignored: deny. Beside an {@code autoScaling} with no metrics (e.g. only {@code behavior}) under
 * KServe's HPA they are ignored too, and the HPA falls back to cpu 80%: warn.
 */
public final class ScaleTargetConflictRule implements ComponentValidation {

    public static final String ID = "scale-target-conflict";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "Knative: scaleTarget/scaleMetric must agree with the same component's target/metric annotation (KServe silently "
                + "overrides it); an InferenceService-level annotation is a default each component may override, warned only "
                + "when every component overrides it; Standard: not beside autoScaling.metrics, and warned beside an autoScaling "
                + "without metrics under KServe's HPA";
    }

    @Override
    public String why() {
        return "KServe writes scaleTarget and scaleMetric over the matching Knative annotations on the same component without saying so, and KServe's HPA and KEDA ignore scaleMetric and scaleTarget once autoScaling.metrics is set.";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return c.autoscaler().isKnative() || Scaling.isStandardScaled(c);
    }

    @Override
    public void check(Component c, Review review, Findings f) {
        if (c.autoscaler().isKnative()) {
            Json.IntField target = Json.int32(c.spec(), "scaleTarget");
            Optional<Review.Annotation> targetAnnotation = review.componentAnnotation(c, Annotations.KNATIVE_TARGET);
            if (target.valid() && targetAnnotation.isPresent()) {
                Optional<BigDecimal> annotated = Json.parseDecimal(targetAnnotation.get().value());
                if (annotated.isPresent() && annotated.get().compareTo(BigDecimal.valueOf(target.get())) != 0) {
                    f.add(Action.DENY, Finding.Type.INVALID, List.of(c.field("scaleTarget"), targetAnnotation.get().path()), target.get(), "is " + target.get() + " but " + targetAnnotation.get().path() + " is \""
                            + targetAnnotation.get().value() + "\", and KServe silently overrides the annotation: keep one of them");
                }
            }
            Optional<String> metric = Scaling.scaleMetric(c).map(Scaling::fold);
            Optional<Review.Annotation> metricAnnotation = review.componentAnnotation(c, Annotations.KNATIVE_METRIC);
            if (metric.isPresent() && metricAnnotation.isPresent() && !metric.get().equals(metricAnnotation.get().value())) {
                f.add(Action.DENY, Finding.Type.INVALID, List.of(c.field("scaleMetric"), metricAnnotation.get().path()), metric.get(), "is " + metric.get() + " but " + metricAnnotation.get().path() + " is \""
                        + metricAnnotation.get().value() + "\", and KServe silently overrides the annotation: keep one of them");
            }
            overriddenEverywhere(review, Annotations.KNATIVE_TARGET, "scaleTarget", f);
            overriddenEverywhere(review, Annotations.KNATIVE_METRIC, "scaleMetric", f);
            return;
        }
        if (!Scaling.metrics(c).isEmpty()) {
            for (String field : new String[] {"scaleMetric", "scaleTarget"}) {
                if (Json.has(c.spec(), field)) {
                    f.add(Action.DENY, Finding.Type.FORBIDDEN, List.of(c.field(field), Scaling.metricsPath(c)), null, "is ignored while " + Scaling.metricsPath(c) + " is set (KServe"
                            + (c.autoscaler() == Autoscaler.KEDA ? " and KEDA use" : " uses") + " only autoScaling.metrics): remove "
                            + field + ", or remove autoScaling.metrics");
                }
            }
        } else if (c.autoscaler() == Autoscaler.HPA && c.spec().path("autoScaling").isObject()) {
            // KServe's getHPAMetrics reads autoScaling whenever it is there, metrics or not: scaleMetric/scaleTarget are
            // then not read, and an HPA with no metric gets Kubernetes' default, cpu 80%.
            for (String field : new String[] {"scaleMetric", "scaleTarget"}) {
                if (Json.has(c.spec(), field)) {
                    f.add(Action.WARN, Finding.Type.FORBIDDEN, List.of(c.field(field), c.field("autoScaling")), null, "is ignored while "
                            + c.field("autoScaling") + " is set, even without metrics: KServe's HPA then reads only autoScaling and, "
                            + "with no metric there, scales on cpu 80%; move the metric into autoScaling.metrics, or remove autoScaling");
                }
            }
        }
    }

    /**
     * An InferenceService-level target or metric annotation that every component it reaches overrides
     * with another value (its field, else its own annotation): it has no effect. Judged the same from
     * every component, so the one finding is kept once.
     */
    private static void overriddenEverywhere(Review review, String key, String field, Findings f) {
        Optional<Review.Annotation> isvc = review.annotation(key);
        if (isvc.isEmpty() || review.isGraph()) {
            return; // a graph's metadata.annotations are its own component's: judged above as on the same component
        }
        boolean target = Annotations.KNATIVE_TARGET.equals(key);
        Optional<BigDecimal> isvcNumber = Json.parseDecimal(isvc.get().value());
        if (target && isvcNumber.isEmpty()) {
            return; // knative-annotations' business
        }
        List<FieldPath> overrides = new ArrayList<>();
        List<String> values = new ArrayList<>();
        int reached = 0;
        for (Component other : review.components()) {
            if (other.isCanary()) {
                continue;
            }
            reached++;
            Optional<String> own;
            FieldPath at;
            if (target && Json.int32(other.spec(), "scaleTarget").valid()) {
                own = Optional.of(Long.toString(Json.int32(other.spec(), "scaleTarget").get()));
                at = other.field("scaleTarget");
            } else if (!target && Json.text(other.spec(), "scaleMetric").isPresent()) {
                own = Json.text(other.spec(), "scaleMetric").map(Scaling::fold);
                at = other.field("scaleMetric");
            } else {
                Optional<Review.Annotation> a = review.componentAnnotation(other, key);
                own = a.map(Review.Annotation::value);
                at = a.map(Review.Annotation::path).orElse(null);
            }
            boolean differs = own.isPresent() && (target
                    ? Json.parseDecimal(own.get()).map(n -> n.compareTo(isvcNumber.get()) != 0).orElse(true)
                    : !own.get().equals(isvc.get().value()));
            if (!differs) {
                return;
            }
            overrides.add(at);
            values.add(at + " " + own.get());
        }
        if (reached == 0) {
            return;
        }
        List<FieldPath> paths = new ArrayList<>();
        paths.add(isvc.get().path());
        paths.addAll(overrides);
        f.add(Action.WARN, Finding.Type.INVALID, paths, isvc.get().value(), "is overridden on every component ("
                + String.join(", ", values) + "), so it has no effect: remove it, or remove " + field
                + " from a component that should use it (an InferenceService-level annotation is the default for components that set no "
                + field + ")");
    }
}
