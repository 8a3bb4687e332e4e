package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Edits;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Mutation;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.Validation;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Knative mode: writes the class/metric/target annotations KServe derives from the component's fields,
 * and refuses annotation values Knative would only reject later, in a Revision's status.
 */
public final class KnativeAnnotationsRule implements Mutation, Validation {

    public static final String ID = "knative-annotations";

    private static final BigDecimal HOUR = BigDecimal.valueOf(3600);
    /** What Go's strconv.Atoi takes: digits with an optional sign, no exponent, no fraction. */
    private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]+");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "Knative mode: write autoscaling.knative.dev class/metric/target from the component; refuse values Knative rejects";
    }

    @Override
    public void mutate(Review review, Edits edits) {
        if (review.mode() != DeploymentMode.KNATIVE) {
            return;
        }
        for (Component c : review.mutableComponents()) {
            if (!c.autoscaler().isKnative()) {
                continue;
            }
            String cls = c.autoscaler() == Autoscaler.KPA ? Annotations.KPA_CLASS : Annotations.HPA_CLASS;
            writeIfAbsent(review, c, edits, Annotations.KNATIVE_CLASS, cls);
            write(review, c, edits, Annotations.KNATIVE_METRIC, metricValue(c.spec(), c.autoscaler()));
            write(review, c, edits, Annotations.KNATIVE_TARGET, targetValue(c.spec()));
        }
    }

    /** The metric annotation a component's fields ask for: its scaleMetric, when the autoscaler can use it. */
    private static Optional<String> metricValue(JsonNode spec, Autoscaler autoscaler) {
        return Json.text(spec, "scaleMetric").filter(m -> autoscaler.scaleMetrics().contains(m));
    }

    /** The target annotation a component's fields ask for: its scaleTarget, when it is a usable number. */
    private static Optional<String> targetValue(JsonNode spec) {
        Json.IntField target = Json.int32(spec, "scaleTarget");
        return target.valid() && target.get() >= 1 ? Optional.of(Long.toString(target.get())) : Optional.empty();
    }

    /**
     * Writes a derived annotation. On UPDATE, a component annotation that equalled its field in the old
     * object was derived from it (by this webhook or by hand) and follows the field, so that changing
     * scaleTarget with {@code kubectl apply} does not leave a stale annotation that then conflicts.
     */
    private static void write(Review review, Component c, Edits edits, String key, Optional<String> desired) {
        Optional<String> own = review.componentAnnotation(c, key).map(Review.Annotation::value);
        if (own.isPresent() && mirroredInOldObject(review, c, key, own.get())) {
            FieldPath path = c.field("annotations").key(key);
            if (desired.isEmpty()) {
                edits.remove(path);
            } else if (!desired.get().equals(own.get())) {
                edits.set(path, desired.get());
            }
            return;
        }
        desired.ifPresent(value -> writeUnlessDecided(review, c, edits, key, value));
    }

    /**
     * Writes a component's metric or target unless something already decides it: the component's own
     * annotation (any value, never overwritten), or an InferenceService-level annotation that says the
     * same (KServe copies it onto every component). An InferenceService-level value that differs is a
     * default the component's field overrides (KServe writes the field over it for that component), so
     * the override is written on the component, where it is what KServe will apply.
     */
    private static void writeUnlessDecided(Review review, Component c, Edits edits, String key, String value) {
        if (c.spec().path("annotations").has(key)) {
            return;
        }
        Optional<Review.Annotation> isvc = review.annotation(key);
        if (isvc.isPresent() && sameValue(key, isvc.get().value(), value)) {
            return;
        }
        if (isvc.isEmpty() && Json.object(review.object(), "metadata").flatMap(m -> Json.object(m, "annotations"))
                .map(a -> a.has(key)).orElse(false)) {
            return; // a non-string value there: not this rule's to judge
        }
        edits.set(c.field("annotations").key(key), value);
    }

    /** The same to Knative: targets compared as numbers ({@code "10"} and {@code "10.0"}), metrics as text. */
    private static boolean sameValue(String key, String annotated, String derived) {
        if (Annotations.KNATIVE_TARGET.equals(key)) {
            Optional<BigDecimal> a = Json.parseDecimal(annotated);
            Optional<BigDecimal> d = Json.parseDecimal(derived);
            return a.isPresent() && d.isPresent() && a.get().compareTo(d.get()) == 0;
        }
        return annotated.equals(derived);
    }

    private static boolean mirroredInOldObject(Review review, Component c, String key, String value) {
        if (review.operation() != Operation.UPDATE || review.oldObject() == null) {
            return false;
        }
        JsonNode old = review.oldObject().at(c.path().pointer());
        if (!old.isObject() || !value.equals(Json.text(Json.object(old, "annotations").orElse(null), key).orElse(null))) {
            return false;
        }
        Optional<String> derived = Annotations.KNATIVE_METRIC.equals(key) ? metricValue(old, c.autoscaler()) : targetValue(old);
        return derived.filter(value::equals).isPresent();
    }

    private static void writeIfAbsent(Review review, Component c, Edits edits, String key, String value) {
        if (review.effective(c, key).isEmpty() && !c.spec().path("annotations").has(key)) {
            edits.set(c.field("annotations").key(key), value);
        }
    }

    @Override
    public void validate(Review review, Findings findings) {
        if (review.mode() != DeploymentMode.KNATIVE) {
            return;
        }
        for (Component c : review.components()) {
            if (!c.autoscaler().isKnative()) {
                continue;
            }
            for (Map.Entry<String, Review.Annotation> e : knativeAnnotations(review, c).entrySet()) {
                check(c, e.getKey().substring(Annotations.KNATIVE_PREFIX.length()), e.getValue(), findings);
            }
        }
    }

    /** The Knative annotations in force for a component: the InferenceService's, overridden by the component's. */
    static Map<String, Review.Annotation> knativeAnnotations(Review review, Component c) {
        Map<String, Review.Annotation> out = new LinkedHashMap<>();
        collect(Json.object(review.object(), "metadata").flatMap(m -> Json.object(m, "annotations")).orElse(null),
                Review.METADATA_ANNOTATIONS, false, out);
        collect(Json.object(c.spec(), "annotations").orElse(null), c.field("annotations"), true, out);
        return out;
    }

    private static void collect(JsonNode annotations, FieldPath at, boolean onComponent, Map<String, Review.Annotation> out) {
        if (annotations == null) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = annotations.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().startsWith(Annotations.KNATIVE_PREFIX) && f.getValue().isTextual()) {
                out.put(f.getKey(), new Review.Annotation(f.getValue().asText(), at.key(f.getKey()), onComponent));
            }
        }
    }

    private static void check(Component c, String key, Review.Annotation a, Findings f) {
        String v = a.value();
        FieldPath p = a.path();
        switch (key) {
            case "metric" -> {
                if (c.autoscaler() == Autoscaler.KPA && !"concurrency".equals(v) && !"rps".equals(v)) {
                    f.deny(Finding.Type.NOT_SUPPORTED, p, v, "\"" + v + "\" is not a KPA metric: use concurrency or rps (or the hpa.autoscaling.knative.dev class for cpu/memory)");
                } else if (v.isBlank()) {
                    f.deny(Finding.Type.REQUIRED, p, null, "must not be empty: name the metric the HPA scales on, e.g. cpu");
                }
            }
            case "target" -> decimalAtLeast(v, new BigDecimal("0.01"), p, f, "a positive number of at least 0.01, e.g. \"10\"");
            case "target-utilization-percentage" -> decimalBetween(v, BigDecimal.ONE, BigDecimal.valueOf(100), p, f);
            case "panic-window-percentage" -> decimalBetween(v, BigDecimal.ONE, BigDecimal.valueOf(100), p, f);
            case "panic-threshold-percentage" -> decimalBetween(v, BigDecimal.valueOf(110), BigDecimal.valueOf(1000), p, f);
            case "target-burst-capacity" -> {
                Optional<BigDecimal> d = Json.parseDecimal(v);
                if (d.isEmpty() || (d.get().signum() < 0 && d.get().compareTo(BigDecimal.valueOf(-1)) != 0)) {
                    f.deny(Finding.Type.INVALID, p, v, "\"" + v + "\" is not a burst capacity: use 0 or more, or -1 for unlimited");
                }
            }
            case "initial-scale" -> wholeAtLeast(v, 0, p, f);
            case "activation-scale" -> wholeAtLeast(v, 2, p, f);
            case "window" -> duration(v, BigDecimal.valueOf(6), HOUR, p, f, "6s to 1h, e.g. \"60s\"");
            case "scale-down-delay" -> duration(v, BigDecimal.ZERO, HOUR, p, f, "0s to 1h, e.g. \"15m\"");
            case "min-scale", "max-scale", "minScale", "maxScale" -> {
                String field = key.toLowerCase().startsWith("min") ? "minReplicas" : "maxReplicas";
                f.warn(p, "KServe drops this annotation and derives it from " + field + ": set "
                        + (a.onComponent() ? c.path().child(field).toString() : field + " on each component") + " instead");
            }
            default -> {
            }
        }
    }

    private static void decimalAtLeast(String v, BigDecimal min, FieldPath p, Findings f, String expected) {
        Optional<BigDecimal> d = Json.parseDecimal(v);
        if (d.isEmpty() || d.get().compareTo(min) < 0) {
            f.deny(Finding.Type.INVALID, p, v, "\"" + v + "\" is out of Knative's range: use " + expected);
        }
    }

    private static void decimalBetween(String v, BigDecimal min, BigDecimal max, FieldPath p, Findings f) {
        Optional<BigDecimal> d = Json.parseDecimal(v);
        if (d.isEmpty() || d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0) {
            f.deny(Finding.Type.INVALID, p, v, "\"" + v + "\" is out of Knative's range: use a number from " + min.toPlainString() + " to " + max.toPlainString());
        }
    }

    private static void wholeAtLeast(String v, long min, FieldPath p, Findings f) {
        Optional<BigDecimal> d = Json.parseDecimal(v);
        boolean whole = d.isPresent() && WHOLE.matcher(v).matches()
                && d.get().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0;
        if (!whole || d.get().compareTo(BigDecimal.valueOf(min)) < 0) {
            f.deny(Finding.Type.INVALID, p, v, "\"" + v + "\" is out of Knative's range: use a whole number of at least " + min);
        }
    }

    private static void duration(String v, BigDecimal min, BigDecimal max, FieldPath p, Findings f, String expected) {
        Optional<BigDecimal> seconds = GoDuration.seconds(v);
        if (seconds.isEmpty()) {
            f.deny(Finding.Type.INVALID, p, v, "\"" + v + "\" is not a duration: write a number with a unit, " + expected);
        } else if (seconds.get().stripTrailingZeros().scale() > 0) {
            f.deny(Finding.Type.INVALID, p, v, "\"" + v + "\" has a fraction of a second: Knative takes whole seconds, " + expected);
        } else if (seconds.get().compareTo(min) < 0 || seconds.get().compareTo(max) > 0) {
            f.deny(Finding.Type.INVALID, p, v, "\"" + v + "\" is out of Knative's range: use " + expected);
        }
    }
}
