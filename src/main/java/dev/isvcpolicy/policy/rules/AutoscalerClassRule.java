package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Unknown autoscaler classes, KServe's ({@code serving.kserve.io/autoscalerClass}) and Knative's. */
public final class AutoscalerClassRule implements Validation {

    public static final String ID = "autoscaler-class";

    private static final Set<String> KSERVE_CLASSES = Set.of("hpa", "keda", "external", "none");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "autoscalerClass must be hpa, keda, external or none; a *.knative.dev class must be kpa or hpa";
    }

    @Override
    public String why() {
        return "KServe and Knative silently ignore a class they do not know: the component then gets no autoscaler, or the default one, without a word.";
    }

    @Override
    public void validate(Review review, Findings f) {
        for (Review.Annotation a : everywhere(review, Annotations.AUTOSCALER_CLASS)) {
            if ("kpa".equalsIgnoreCase(a.value())) {
                f.deny(Finding.Type.NOT_SUPPORTED, a.path(), a.value(), "\"kpa\" is not a KServe autoscaler class: the KPA is Knative's; use Knative mode "
                        + "(serving.kserve.io/deploymentMode: Knative, with autoscaling.knative.dev/class: kpa.autoscaling.knative.dev)");
            } else if (!KSERVE_CLASSES.contains(a.value())) {
                f.deny(Finding.Type.NOT_SUPPORTED, a.path(), a.value(), "\"" + a.value() + "\" is not an autoscaler class: use hpa, keda, external or none");
            }
        }
        for (Review.Annotation a : everywhere(review, Annotations.KNATIVE_CLASS)) {
            if (a.value().endsWith(".knative.dev") && !a.value().equals(Annotations.KPA_CLASS)
                    && !a.value().equals(Annotations.HPA_CLASS)) {
                f.deny(Finding.Type.NOT_SUPPORTED, a.path(), a.value(), "\"" + a.value() + "\" is not a Knative autoscaler class: use "
                        + Annotations.KPA_CLASS + " or " + Annotations.HPA_CLASS);
            }
        }
    }

    /** The annotation on the InferenceService and on every component that sets it. */
    static List<Review.Annotation> everywhere(Review review, String key) {
        List<Review.Annotation> out = new ArrayList<>();
        review.annotation(key).ifPresent(out::add);
        for (Component c : review.components()) {
            Optional<Review.Annotation> own = review.componentAnnotation(c, key);
            own.ifPresent(out::add);
        }
        return out;
    }
}
