package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentValidation;
import dev.isvcpolicy.policy.Edits;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Mutation;
import dev.isvcpolicy.policy.Review;
import java.util.List;
import java.util.Optional;

/**
 * A component scaled on an OpenTelemetry metric needs {@code sidecar.opentelemetry.io/inject} set to its
 * object name ({@code <isvc>-predictor}): KServe names the collector after the component, and
 * {@code "true"} would pick whatever collector the namespace has.
 */
public final class OtelSidecarNameRule implements Mutation, ComponentValidation {

    public static final String ID = "otel-sidecar-name";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "OpenTelemetry metric: sidecar.opentelemetry.io/inject must be the component's object name (<isvc>-predictor)";
    }

    @Override
    public String why() {
        return "KServe's PodMetric scaling reads metrics from an OpenTelemetry collector named after the component's object name; the operator injects the collector that sidecar.opentelemetry.io/inject names, so any other value leaves KEDA with no metrics.";
    }

    @Override
    public void mutate(Review review, Edits edits) {
        List<Component> otel = review.mutableComponents().stream().filter(Scaling::usesOtel).toList();
        for (Component c : otel) {
            Optional<Review.Annotation> current = review.effective(c, Annotations.OTEL_INJECT);
            if (current.isPresent() && !"true".equals(current.get().value())) {
                continue;
            }
            boolean onComponent = current.map(Review.Annotation::onComponent).orElse(false) || otel.size() > 1;
            FieldPath at = onComponent ? c.field("annotations").key(Annotations.OTEL_INJECT)
                    : Review.METADATA_ANNOTATIONS.key(Annotations.OTEL_INJECT);
            if (edits.set(at, c.objectName())) {
                edits.notice(at, "set to \"" + c.objectName() + "\": the OpenTelemetry collector sidecar of the "
                        + c.label() + " is named after its workload");
            }
        }
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return c.autoscaler() != Autoscaler.NOT_SCALED && Scaling.usesOtel(c);
    }

    @Override
    public void check(Component c, Review review, Findings f) {
        Optional<Review.Annotation> current = review.effective(c, Annotations.OTEL_INJECT);
        if (current.isPresent() && current.get().value().equals(c.objectName())) {
            return;
        }
        FieldPath at = current.map(Review.Annotation::path).orElse(Review.METADATA_ANNOTATIONS.key(Annotations.OTEL_INJECT));
        f.deny(current.isEmpty() ? Finding.Type.REQUIRED : Finding.Type.INVALID, at, current.map(Review.Annotation::value).orElse(null), (current.isEmpty() ? "missing" : "is \"" + current.get().value() + "\"") + ": the " + c.label()
                + " scales on an OpenTelemetry metric, so set it to \"" + c.objectName() + "\" (the " + c.label() + "'s object name)");
    }
}
