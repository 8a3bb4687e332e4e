package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentValidation;
import dev.isvcpolicy.policy.Edits;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Mutation;
import dev.isvcpolicy.policy.Review;
import java.util.List;
import java.util.Optional;

/**
 * A component that KEDA scales on an OpenTelemetry metric (class keda: Knative mode ignores {@code autoScaling}, and
 * external and none read no metric) needs {@code sidecar.opentelemetry.io/inject} set to its
 * object name ({@code <isvc>-predictor}) or {@code <namespace>/<isvc>-predictor}: KServe names the collector
 * after the component, and {@code "true"} (in any letter case, as the operator reads it) would pick whatever
 * collector the namespace has; {@code "false"} (any case) means no sidecar at all. The mutation replaces an
 * absent or true value: on the InferenceService (the form in KServe's docs) when one component uses
 * OpenTelemetry and the value was not on the component, else on each component's own annotations (an
 * InferenceService-level value reaches every component's pods, so it cannot name two collectors).
 */
public final class OtelSidecarNameRule implements Mutation, ComponentValidation {

    public static final String ID = "otel-sidecar-name";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "KEDA on an OpenTelemetry metric (class keda): sidecar.opentelemetry.io/inject must be the component's object name (<isvc>-predictor, "
                + "or <namespace>/<isvc>-predictor); absent or true is set to it, per component when two components use it";
    }

    @Override
    public String why() {
        return "KServe's PodMetric scaling reads metrics from an OpenTelemetry collector named after the component's object name; the operator injects the collector that sidecar.opentelemetry.io/inject names, so any other value leaves KEDA with no metrics.";
    }

    @Override
    public void mutate(Review review, Edits edits) {
        if (generatedName(review)) {
            return; // the name is not known yet: the validation says so
        }
        List<Component> otel = new java.util.ArrayList<>();
        for (Component c : review.mutableComponents()) {
            if (readsOtel(c)) {
                otel.add(c);
            }
        }
        for (Component c : otel) {
            Optional<Review.Annotation> current = review.effective(c, Annotations.OTEL_INJECT);
            if (current.isPresent() && !"true".equalsIgnoreCase(current.get().value().strip())) {
                continue;
            }
            boolean onComponent = current.map(Review.Annotation::onComponent).orElse(false) || otelComponents(review) > 1;
            FieldPath at = onComponent ? c.field("annotations").key(Annotations.OTEL_INJECT)
                    : Review.METADATA_ANNOTATIONS.key(Annotations.OTEL_INJECT);
            if (edits.set(at, c.objectName())) {
                edits.notice(at, "set to \"" + c.objectName() + "\": the OpenTelemetry collector sidecar of the "
                        + c.label() + " is named after its workload");
            }
        }
    }

    /** The object name, or {@code <namespace>/<object name>} in the object's own namespace: the operator accepts both. */
    private static boolean accepted(String value, Component c, Review review) {
        return value.equals(c.objectName()) || value.equals(review.namespace() + "/" + c.objectName());
    }

    /**
     * Whether KEDA scales this component on an OpenTelemetry metric: only class keda reads {@code autoScaling} (RULES.md §2:
     * Knative mode ignores it, and external and none use no metric), so elsewhere no collector is needed.
     */
    private static boolean readsOtel(Component c) {
        return c.autoscaler() == Autoscaler.KEDA && Scaling.usesOtel(c);
    }

    /** The characters of the 5 the API server appends to {@code generateName} (Kubernetes' {@code utilrand.String}). */
    private static final java.util.regex.Pattern GENERATED_SUFFIX = java.util.regex.Pattern.compile("[bcdfghjklmnpqrstvwxz2456789]{5}");

    /**
     * A CREATE with {@code generateName}, whose components' object names nobody could know beforehand: without a name (what
     * {@code /mutate} sees: the API server picks the name after the mutating webhooks), or with the name the API server
     * picked (what {@code /validate} sees): the prefix, cut to 58 characters, and 5 random characters.
     */
    private static boolean generatedName(Review review) {
        JsonNode metadata = review.object().get("metadata");
        if (metadata == null || !metadata.path("generateName").isTextual() || review.operation() != dev.isvcpolicy.policy.Operation.CREATE) {
            return false;
        }
        String name = Json.nonBlankText(metadata, "name");
        if (name == null) {
            return true;
        }
        String prefix = metadata.path("generateName").asText();
        prefix = prefix.length() > 58 ? prefix.substring(0, 58) : prefix;
        return name.length() == prefix.length() + 5 && name.startsWith(prefix) && GENERATED_SUFFIX.matcher(name.substring(prefix.length())).matches();
    }

    /**
     * The components with an OpenTelemetry metric, read or not: an InferenceService-level value reaches every component's
     * pods, so with two of them (one under {@code external}, say) it would give the other the first one's collector.
     */
    private static long otelComponents(Review review) {
        long count = 0;
        for (Component c : review.components()) {
            if (c.autoscaler() != Autoscaler.NOT_SCALED && Scaling.usesOtel(c)) {
                count++;
            }
        }
        return count;
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return readsOtel(c);
    }

    @Override
    public void check(Component c, Review review, Findings f) {
        Optional<Review.Annotation> current = review.effective(c, Annotations.OTEL_INJECT);
        if (generatedName(review) && (current.isEmpty() || !"false".equalsIgnoreCase(current.get().value().strip()))) {
            FieldPath at = current.map(Review.Annotation::path).orElse(Review.METADATA_ANNOTATIONS.key(Annotations.OTEL_INJECT));
            f.add(Action.DENY, current.isEmpty() ? Finding.Type.REQUIRED : Finding.Type.INVALID, java.util.List.of(at), c.path(), -1,
                    current.map(Review.Annotation::value).orElse(null), "cannot name the " + c.label() + "'s collector sidecar: the "
                    + c.label() + " scales on an OpenTelemetry metric, whose collector is named after its workload (<name>"
                    + c.objectName().substring(Math.min(c.objectName().length(), review.name().length())) + "), and with "
                    + "generateName that name is only known once the API server picks it; set metadata.name instead");
            return;
        }
        if (current.isPresent() && accepted(current.get().value(), c, review)) {
            return;
        }
        FieldPath at = current.map(Review.Annotation::path).orElse(Review.METADATA_ANNOTATIONS.key(Annotations.OTEL_INJECT));
        String why = current.isEmpty() ? "missing"
                : current.get().value().strip().equalsIgnoreCase("false")
                        ? "is \"" + current.get().value() + "\", so the collector sidecar is never injected and KEDA gets no metric"
                        : "is \"" + current.get().value() + "\"";
        String shared = current.isPresent() && !current.get().onComponent() && otelComponents(review) > 1
                ? " on the " + c.label() + "'s own annotations (an InferenceService-level value reaches every component's pods, "
                        + "so it cannot name two collectors)"
                : "";
        // One annotation may stand for every component: the component is what RULES.md §7 pairs the deny by.
        f.add(Action.DENY, current.isEmpty() ? Finding.Type.REQUIRED : Finding.Type.INVALID, java.util.List.of(at), c.path(), -1,
                current.map(Review.Annotation::value).orElse(null),
                why + ": the " + c.label() + " scales on an OpenTelemetry metric, so set it" + shared + " to \"" + c.objectName()
                        + "\" (the " + c.label() + "'s object name; \"" + review.namespace() + "/" + c.objectName() + "\" also works)");
    }
}
