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
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/** Two places saying different things, where KServe silently keeps one of them. */
public final class ScaleTargetConflictRule implements ComponentValidation {

    public static final String ID = "scale-target-conflict";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "scaleTarget/scaleMetric must agree with Knative's target/metric annotations, and not sit beside autoScaling.metrics";
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
            Optional<Review.Annotation> targetAnnotation = review.effective(c, Annotations.KNATIVE_TARGET);
            if (target.valid() && targetAnnotation.isPresent()) {
                Optional<BigDecimal> annotated = Json.parseDecimal(targetAnnotation.get().value());
                if (annotated.isPresent() && annotated.get().compareTo(BigDecimal.valueOf(target.get())) != 0) {
                    f.add(Action.DENY, Finding.Type.INVALID, List.of(c.field("scaleTarget"), targetAnnotation.get().path()), target.get(), "is " + target.get() + " but " + targetAnnotation.get().path() + " is \""
                            + targetAnnotation.get().value() + "\", and KServe silently overrides the annotation: keep one of them");
                }
            }
            Optional<String> metric = Scaling.scaleMetric(c).map(Scaling::fold);
            Optional<Review.Annotation> metricAnnotation = review.effective(c, Annotations.KNATIVE_METRIC);
            if (metric.isPresent() && metricAnnotation.isPresent() && !metric.get().equals(metricAnnotation.get().value())) {
                f.add(Action.DENY, Finding.Type.INVALID, List.of(c.field("scaleMetric"), metricAnnotation.get().path()), metric.get(), "is " + metric.get() + " but " + metricAnnotation.get().path() + " is \""
                        + metricAnnotation.get().value() + "\", and KServe silently overrides the annotation: keep one of them");
            }
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
        }
    }
}
