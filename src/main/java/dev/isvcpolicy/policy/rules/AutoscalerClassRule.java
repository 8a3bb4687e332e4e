package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Unknown autoscaler classes, KServe's ({@code serving.kserve.io/autoscalerClass}) and Knative's
 * ({@code autoscaling.knative.dev/class}).
 *
 * <ul>
 * <li>{@code serving.kserve.io/autoscalerClass} (InferenceService or component) must be {@code hpa},
 * {@code keda}, {@code external} or {@code none}: KServe compares case-sensitively and treats any other
 * value as no autoscaler it knows. {@code kpa} gets the advice to use Knative mode; a value that differs
 * from a valid one only in letter case ({@code HPA}, {@code Keda}) says which one was meant.</li>
 * <li>{@code autoscaling.knative.dev/class} ending in {@code .knative.dev} must be
 * {@code kpa.autoscaling.knative.dev} or {@code hpa.autoscaling.knative.dev} (Knative's own webhook only
 * rejects this when KServe creates the Knative Service).</li>
 * <li>In Knative mode, an {@code autoscaling.knative.dev/class} with no dot ({@code kpa}, {@code hpa},
 * {@code KPA}) is no class at all: Knative's webhook accepts it, no autoscaler reconciles its
 * PodAutoscaler, and the revision never scales. The message gives the full class name. (The other rules
 * judge such a component as the class it was meant to be: {@code hpa} as Knative-HPA, anything else as
 * KPA.) In Standard mode Knative annotations are ignored; {@code autoscaler-conflict} warns there.</li>
 * </ul>
 */
public final class AutoscalerClassRule implements Validation {

    public static final String ID = "autoscaler-class";

    private static final Set<String> KSERVE_CLASSES = Set.of("hpa", "keda", "external", "none");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "serving.kserve.io/autoscalerClass must be hpa, keda, external or none (exactly: a value differing only in "
                + "letter case says which was meant; kpa means Knative mode); a *.knative.dev class must be kpa or hpa; "
                + "in Knative mode an autoscaling.knative.dev/class with no dot (kpa, hpa) is no class, Knative never "
                + "scales the revision: write the full name, e.g. kpa.autoscaling.knative.dev";
    }

    @Override
    public String why() {
        return "A class nobody knows fails late: KServe's controller stops reconciling a component whose class it does not know, and Knative finds no autoscaler for a class without a dot, so the revision never scales; here it is refused at apply time with the right spelling.";
    }

    @Override
    public void validate(Review review, Findings f) {
        for (Review.Annotation a : everywhere(review, Annotations.AUTOSCALER_CLASS)) {
            if ("kpa".equalsIgnoreCase(a.value())) {
                f.deny(Finding.Type.NOT_SUPPORTED, a.path(), a.value(), "\"" + a.value() + "\" is not a KServe autoscaler class: the KPA is Knative's; use Knative mode "
                        + "(serving.kserve.io/deploymentMode: Knative, with autoscaling.knative.dev/class: kpa.autoscaling.knative.dev)");
            } else if (!KSERVE_CLASSES.contains(a.value())) {
                Optional<String> meant = Spelling.meant(a.value(), KSERVE_CLASSES);
                f.deny(Finding.Type.NOT_SUPPORTED, a.path(), a.value(), meant
                        .map(m -> "\"" + a.value() + "\" is not an autoscaler class: KServe compares classes exactly ("
                                + Spelling.difference(a.value(), m) + "); write \"" + m + "\"")
                        .orElse("\"" + a.value() + "\" is not an autoscaler class: use hpa, keda, external or none"));
            }
        }
        for (Review.Annotation a : everywhere(review, Annotations.KNATIVE_CLASS)) {
            // stripped: "kpa.autoscaling.knative.dev " passes Knative's suffix check as a custom class, and no autoscaler takes it
            if (a.value().strip().endsWith(".knative.dev") && !a.value().equals(Annotations.KPA_CLASS)
                    && !a.value().equals(Annotations.HPA_CLASS)) {
                Optional<String> meant = Spelling.meant(a.value(), List.of(Annotations.KPA_CLASS, Annotations.HPA_CLASS));
                f.deny(Finding.Type.NOT_SUPPORTED, a.path(), a.value(), meant
                        .map(m -> "\"" + a.value() + "\" is not a Knative autoscaler class: Knative compares classes exactly ("
                                + Spelling.difference(a.value(), m)
                                + "), so no autoscaler would take the revision; write " + m)
                        .orElse("\"" + a.value() + "\" is not a Knative autoscaler class: use " + Annotations.KPA_CLASS + " or "
                                + Annotations.HPA_CLASS));
            } else if (review.mode() == DeploymentMode.KNATIVE) {
                Optional<String> meant = Annotations.knativeClassMeant(a.value());
                meant.ifPresent(m -> f.deny(Finding.Type.NOT_SUPPORTED, a.path(), a.value(), "\"" + a.value()
                        + "\" is not a Knative autoscaler class (a class is a full name): Knative finds no autoscaler for it and the "
                        + "revision would never scale; write " + m + hint(a.value())));
            }
        }
    }

    /** For a dot-less value that names neither kpa nor hpa, the other choice too. */
    private static String hint(String value) {
        String v = value.strip();
        return "kpa".equalsIgnoreCase(v) || "hpa".equalsIgnoreCase(v) ? ""
                : " (Knative's default) or " + Annotations.HPA_CLASS + ", or remove the annotation";
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
