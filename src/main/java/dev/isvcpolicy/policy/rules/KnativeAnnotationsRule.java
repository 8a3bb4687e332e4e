package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.isvcpolicy.policy.Action;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Knative mode: writes the class/metric/target annotations KServe derives from the component's fields,
 * and refuses annotation values Knative would only reject later, in a Revision's status.
 *
 * <p>Mutation: on each component's {@code annotations}, the resolved class, {@code metric} (=
 * scaleMetric) and {@code target} (= scaleTarget). An annotation already in force that says the same
 * decides (an InferenceService-level one reaches every component: KServe copies it), so nothing is
 * written there; a component's own annotation is never overwritten; an InferenceService-level value that
 * differs from the component's field is overridden on the component, as KServe does.
 *
 * <p>Validation, for every {@code autoscaling.knative.dev/*} annotation in force on a KPA or Knative-HPA
 * component (the InferenceService's, overridden by the component's), as Knative's own webhook reads
 * them: metric per class, target, utilization and panic percentages, burst capacity, initial and
 * activation scale (between the effective minReplicas, 1 when absent, and a non-zero maxReplicas),
 * window, scale-down-delay and scale-to-zero-pod-retention-period (Go durations up to 1h), the KPA's
 * metric-aggregation-algorithm; legacy camelCase spellings judged as their kebab twins, both spellings
 * with different values denied (Knative silently takes the kebab one); with Knative's
 * {@code config-autoscaler} known, maxReplicas above {@code max-scale-limit} and {@code initial-scale: 0}
 * unless {@code allow-zero-initial-scale}. Warned: min/max-scale annotations (KServe drops them), and
 * KPA-only keys on a Knative-HPA component (ignored).
 */
public final class KnativeAnnotationsRule implements Mutation, Validation {

    public static final String ID = "knative-annotations";

    private static final BigDecimal HOUR = BigDecimal.valueOf(3600);
    private static final BigDecimal LEAST_TARGET = new BigDecimal("0.01");
    /** What Go's strconv.Atoi takes: digits with an optional sign, no exponent, no fraction. */
    private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]+");
    /**
     * A decimal as Go's {@code strconv.ParseFloat} reads it, which is how Knative reads its number annotations:
     * ASCII digits only, no spaces around it, at most the largest double. Go's hexadecimal floats, {@code inf} and
     * {@code nan} are not accepted here.
     */
    // Possessive (*+, ++, ?+): a run of digits is never given back, so a long value costs linear time (a plain
    // [0-9]+\.?[0-9]* backtracks quadratically on "111...1x": 40,000 digits held an event loop for 15 s).
    static final Pattern GO_DECIMAL = Pattern.compile("[+-]?+(?:[0-9]++(?:\\.[0-9]*+)?+|\\.[0-9]++)(?:[eE][+-]?+[0-9]++)?+");

    private static final String NOT_A_NUMBER = "not a number Knative can read (ASCII digits, an optional point and exponent, no spaces)";

    /** Beyond it Go's ParseFloat fails with a range error (an underflow reads as 0, without one). */
    private static final BigDecimal LARGEST_DOUBLE = new BigDecimal(Double.MAX_VALUE);

    /** A Knative number annotation's value, or empty when Knative could not read it as one. */
    private static Optional<BigDecimal> knativeDecimal(String v) {
        // Json.parseDecimal reads at most 64 characters: a longer value is no number, without running the pattern.
        return v.length() <= 64 && GO_DECIMAL.matcher(v).matches() ? Json.parseDecimal(v).filter(d -> d.abs().compareTo(LARGEST_DOUBLE) <= 0)
                : Optional.empty();
    }

    /** What is wrong with a number annotation Knative refuses: it cannot read it, or the number is out of range. */
    private static String numberProblem(Optional<BigDecimal> d) {
        return d.isEmpty() ? NOT_A_NUMBER : "out of Knative's range";
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "Knative mode: write autoscaling.knative.dev class/metric/target from the component where the annotation in force "
                + "does not already say it; refuse values Knative rejects (metric, target, percentages, burst capacity, initial and "
                + "activation scale within min/maxReplicas, window, scale-down-delay and scale-to-zero-pod-retention-period up to 1h, "
                + "metric-aggregation-algorithm, camelCase spellings as their kebab twins and both spellings disagreeing, "
                + "config-autoscaler's max-scale-limit and allow-zero-initial-scale); warn on min/max-scale and on KPA-only keys under "
                + "Knative's HPA";
    }

    @Override
    public String why() {
        return "KServe passes a component's autoscaling.knative.dev annotations to its Knative revision; Knative checks their values only when the revision is created, so a bad value is accepted by kubectl apply and fails later in a Revision's status.";
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
        Optional<String> metric = Json.text(spec, "scaleMetric");
        return metric.isPresent() && autoscaler.scaleMetrics().contains(metric.get()) ? metric : Optional.empty();
    }

    /** The target annotation a component's fields ask for: its scaleTarget, when it is a usable number. */
    private static Optional<String> targetValue(JsonNode spec) {
        Json.IntField target = Json.int32(spec, "scaleTarget");
        return target.valid() && target.get() >= 1 ? Optional.of(Long.toString(target.get())) : Optional.empty();
    }

    /**
     * Writes a derived annotation. On UPDATE, a component annotation that equalled its field in the old
     * object was derived from it (by this webhook or by hand) and follows the field when the field changes, so
     * that changing scaleTarget with {@code kubectl apply} does not leave a stale annotation that then conflicts.
     * While the field still says what the annotation says, the annotation is left alone, as on CREATE (RULES.md §7:
     * an UPDATE that changes nothing, such as {@code kubectl label}, gets the CREATE's patch).
     */
    private static void write(Review review, Component c, Edits edits, String key, Optional<String> desired) {
        Optional<Review.Annotation> own = review.componentAnnotation(c, key);
        if (own.isPresent() && mirroredInOldObject(review, c, key, own.get().value())
                && !fieldAsWritten(c.spec(), key).filter(own.get().value()::equals).isPresent()) {
            // the field moved away from its mirror in this UPDATE; one that still says the same is left as on CREATE
            FieldPath path = c.field("annotations").key(key);
            if (desired.isEmpty()) {
                edits.remove(path);
            } else if (!desired.get().equals(own.get().value())) {
                edits.set(path, desired.get());
            }
            return;
        }
        if (desired.isPresent()) {
            writeUnlessDecided(review, c, edits, key, desired.get());
        }
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
        if (c.isGraph() && review.object().path("metadata").path("annotations").has(key)) {
            return; // a graph's metadata.annotations are its component's own: never overwritten (scale-target-conflict judges them)
        }
        Optional<Review.Annotation> isvc = review.annotation(key);
        if (isvc.isPresent() && sameValue(key, isvc.get().value(), value)) {
            return;
        }
        if (isvc.isEmpty() && review.object().path("metadata").path("annotations").has(key)) {
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

    /**
     * Whether a component's own annotation {@code key} with this value mirrored its field in the old object (UPDATE only):
     * it then follows the field ({@link #write}), and goes when the field goes.
     */
    static boolean mirroredInOldObject(Review review, Component c, String key, String value) {
        if (review.operation() != Operation.UPDATE || review.oldObject() == null) {
            return false;
        }
        JsonNode old = review.oldObject().at(c.path().pointer());
        // A graph's annotations are its metadata's (Component.field).
        JsonNode oldAnnotations = c.isGraph() ? review.oldObject().path("metadata").path("annotations") : old.path("annotations");
        if (!old.isObject() || !value.equals(Json.text(oldAnnotations, key).orElse(null))) {
            return false;
        }
        // The old field as written: whether the old autoscaler could use it is the old object's affair (the class may
        // change in this very UPDATE, and the mirror must follow the field then too).
        return fieldAsWritten(old, key).filter(value::equals).isPresent();
    }

    /** The field a metric or target annotation mirrors, as written: {@code scaleMetric}, or a usable {@code scaleTarget}. */
    private static Optional<String> fieldAsWritten(JsonNode component, String key) {
        return Annotations.KNATIVE_METRIC.equals(key) ? Json.text(component, "scaleMetric") : targetValue(component);
    }

    private static void writeIfAbsent(Review review, Component c, Edits edits, String key, String value) {
        if (review.effective(c, key).isEmpty() && !c.spec().path("annotations").has(key)) {
            edits.set(c.field("annotations").key(key), value);
        }
    }

    /** Legacy camelCase spellings Knative still reads, each with its kebab twin (which Knative reads first). */
    static final Map<String, String> LEGACY = Map.of(
            "targetUtilizationPercentage", "target-utilization-percentage",
            "targetBurstCapacity", "target-burst-capacity",
            "panicWindowPercentage", "panic-window-percentage",
            "panicThresholdPercentage", "panic-threshold-percentage",
            "initialScale", "initial-scale",
            "scaleDownDelay", "scale-down-delay",
            "scaleToZeroPodRetentionPeriod", "scale-to-zero-pod-retention-period",
            "metricAggregationAlgorithm", "metric-aggregation-algorithm");

    /** Keys only the KPA reads: ignored under Knative's HPA class. */
    static final Set<String> KPA_ONLY = Set.of("panic-window-percentage", "panic-threshold-percentage", "target-burst-capacity",
            "activation-scale", "target-utilization-percentage", "metric-aggregation-algorithm");

    @Override
    public void validate(Review review, Findings findings) {
        if (review.mode() != DeploymentMode.KNATIVE) {
            return;
        }
        for (Component c : review.components()) {
            if (!c.autoscaler().isKnative()) {
                continue;
            }
            Map<String, Review.Annotation> all = knativeAnnotations(review, c);
            for (Map.Entry<String, Review.Annotation> e : all.entrySet()) {
                String key = e.getKey().substring(Annotations.KNATIVE_PREFIX.length());
                String kebab = LEGACY.get(key);
                if (kebab != null) {
                    Review.Annotation twin = all.get(Annotations.KNATIVE_PREFIX + kebab);
                    if (twin != null) {
                        if (!twin.value().equals(e.getValue().value())) {
                            findings.add(Action.DENY, Finding.Type.DUPLICATE, List.of(e.getValue().path(), twin.path()), e.getValue().value(),
                                    "is \"" + e.getValue().value() + "\" but " + twin.path() + " is \"" + twin.value() + "\": both spellings reach "
                                            + (e.getValue().onComponent() || twin.onComponent() ? c.label() : "every component") + " and Knative silently takes the kebab-case one; keep only " + Annotations.KNATIVE_PREFIX + kebab);
                        }
                        continue; // Knative reads the kebab one: judge that
                    }
                }
                check(review, c, kebab != null ? kebab : key, e.getValue(), findings);
            }
            maxScaleLimit(review, c, findings);
        }
    }

    /** maxReplicas (which KServe writes as max-scale when not 0) above the cluster's max-scale-limit. */
    private static void maxScaleLimit(Review review, Component c, Findings f) {
        int limit = review.knative().maxScaleLimit().orElse(0);
        Json.IntField max = Json.int32(c.spec(), "maxReplicas");
        if (limit > 0 && max.valid() && max.get() > limit) {
            f.deny(Finding.Type.INVALID, c.field("maxReplicas"), max.get(), "is " + max.get() + ", above this cluster's Knative max-scale-limit "
                    + limit + " (" + review.knative().detail() + "): KServe writes it as autoscaling.knative.dev/max-scale and Knative refuses "
                    + "the revision; set maxReplicas to " + limit + " or less");
        }
    }

    /**
     * The Knative annotations in force for a component: the InferenceService's, overridden by the component's. A graph's
     * are its own (its one component is the object), as {@link Review#componentAnnotation} has them.
     */
    static Map<String, Review.Annotation> knativeAnnotations(Review review, Component c) {
        Map<String, Review.Annotation> out = new LinkedHashMap<>();
        if (review.object().path("metadata").get("annotations") instanceof ObjectNode isvc) {
            collect(isvc, Review.METADATA_ANNOTATIONS, c.isGraph(), out);
        }
        if (c.spec().get("annotations") instanceof ObjectNode own) {
            collect(own, c.field("annotations"), true, out);
        }
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

    private static void check(Review review, Component c, String key, Review.Annotation a, Findings f) {
        String v = a.value();
        FieldPath p = a.path();
        if (c.autoscaler() == Autoscaler.KNATIVE_HPA && KPA_ONLY.contains(key)) {
            f.warn(Finding.Type.INVALID, p, v, "only the KPA reads this; " + (a.onComponent() ? c.label() + " is" : "it reaches components")
                    + " scaled by Knative's HPA class (" + Annotations.HPA_CLASS + "), which ignores it: remove it"
                    + (a.onComponent() ? "" : " or set it only on KPA components") + ", or use " + Annotations.KPA_CLASS);
        }
        switch (key) {
            case "metric" -> {
                // Whether the metric fits depends on the component's class: an InferenceService's annotation is judged per
                // component it reaches, with the component as the subject (RULES.md §7), so that an UPDATE that moves another
                // component under the KPA is a new deny, not the pre-existing one of the first.
                boolean own = a.onComponent();
                FieldPath subject = own ? null : c.path();
                if (c.autoscaler() == Autoscaler.KPA && !"concurrency".equals(v) && !"rps".equals(v)) {
                    f.add(Action.DENY, Finding.Type.NOT_SUPPORTED, List.of(p), subject, -1, v, "\"" + v + "\" is not a KPA metric"
                            + (own ? ": " : " and reaches " + c.label() + ", scaled by the KPA: ")
                            + "use concurrency or rps (or the hpa.autoscaling.knative.dev class for cpu/memory)");
                } else if (v.isBlank()) {
                    f.add(Action.DENY, Finding.Type.REQUIRED, List.of(p), subject, -1, null, "must not be empty"
                            + (own ? ": " : ", and it reaches " + c.label() + ": ") + "name the metric the HPA scales on, e.g. cpu");
                }
            }
            case "target" -> decimalAtLeast(v, LEAST_TARGET, p, f, "a positive number of at least 0.01, e.g. \"10\"");
            case "target-utilization-percentage" -> decimalBetween(v, BigDecimal.ONE, BigDecimal.valueOf(100), p, f);
            case "panic-window-percentage" -> decimalBetween(v, BigDecimal.ONE, BigDecimal.valueOf(100), p, f);
            case "panic-threshold-percentage" -> decimalBetween(v, BigDecimal.valueOf(110), BigDecimal.valueOf(1000), p, f);
            case "target-burst-capacity" -> {
                Optional<BigDecimal> d = knativeDecimal(v);
                if (d.isEmpty() || (d.get().signum() < 0 && d.get().compareTo(BigDecimal.valueOf(-1)) != 0)) {
                    f.deny(Finding.Type.INVALID, p, v, "\"" + v + "\" is not a burst capacity: use 0 or more, or -1 for unlimited");
                }
            }
            case "initial-scale" -> {
                if (wholeAtLeast(v, 0, p, f) && Long.parseLong(v.strip().replace("+", "")) == 0
                        && review.knative().allowZeroInitialScale().filter(allowed -> !allowed).isPresent()) {
                    f.deny(Finding.Type.FORBIDDEN, p, v, "0 is not allowed by this cluster: Knative's config-autoscaler ("
                            + review.knative().detail() + ") does not set allow-zero-initial-scale: \"true\", so Knative refuses the revision; "
                            + "use 1 or more, or ask the cluster admin to allow a zero initial scale");
                }
            }
            case "activation-scale" -> {
                if (wholeAtLeast(v, 2, p, f)) {
                    activationWithinReplicas(c, Long.parseLong(v.strip().replace("+", "")), a, f);
                }
            }
            case "window" -> duration(v, BigDecimal.valueOf(6), HOUR, true, p, f, "6s to 1h, e.g. \"60s\"");
            case "scale-down-delay" -> duration(v, BigDecimal.ZERO, HOUR, true, p, f, "0s to 1h, e.g. \"15m\"");
            case "scale-to-zero-pod-retention-period" -> duration(v, BigDecimal.ZERO, HOUR, false, p, f, "0s to 1h, e.g. \"1m5s\"");
            case "metric-aggregation-algorithm" -> {
                if (c.autoscaler() == Autoscaler.KPA && !"linear".equals(v) && !"weighted-exponential".equals(v)
                        && !"weightedExponential".equals(v)) {
                    f.deny(Finding.Type.NOT_SUPPORTED, p, v, "\"" + v + "\" is not a KPA aggregation algorithm: use linear or weighted-exponential");
                }
            }
            case "min-scale", "max-scale", "minScale", "maxScale" -> {
                String field = key.toLowerCase().startsWith("min") ? "minReplicas" : "maxReplicas";
                f.warn(p, "KServe drops this annotation and derives it from " + field + ": set "
                        + (a.onComponent() ? c.path().child(field).toString() : field + " on each component") + " instead");
            }
            default -> {
            }
        }
    }

    /**
     * activation-scale between the component's min-scale (KServe writes minReplicas, 1 when absent) and
     * its max-scale (maxReplicas, when not 0): Knative refuses it outside.
     */
    private static void activationWithinReplicas(Component c, long activation, Review.Annotation a, Findings f) {
        Json.IntField min = Json.int32(c.spec(), "minReplicas");
        boolean minSet = Json.has(c.spec(), "minReplicas");
        long effectiveMin = minSet ? (min.valid() ? min.get() : -1) : 1;
        if (effectiveMin > activation) {
            List<FieldPath> paths = minSet ? List.of(a.path(), c.field("minReplicas")) : List.of(a.path());
            f.add(Action.DENY, Finding.Type.INVALID, paths, a.value(), "is " + activation + ", below the minimum scale of " + c.label() + " ("
                    + (minSet ? "minReplicas " + effectiveMin : "1: KServe writes min-scale 1 when minReplicas is absent")
                    + "), and Knative refuses an activation scale below min-scale; set it to at least " + effectiveMin + ", or remove it");
        }
        Json.IntField max = Json.int32(c.spec(), "maxReplicas");
        if (max.valid() && max.get() > 0 && activation > max.get()) {
            f.add(Action.DENY, Finding.Type.INVALID, List.of(a.path(), c.field("maxReplicas")), a.value(), "is " + activation
                    + ", above maxReplicas " + max.get() + " of " + c.label() + " (KServe writes it as max-scale), and Knative refuses an "
                    + "activation scale above max-scale; set it to " + max.get() + " or less, or raise maxReplicas");
        }
    }

    private static void decimalAtLeast(String v, BigDecimal min, FieldPath p, Findings f, String expected) {
        Optional<BigDecimal> d = knativeDecimal(v);
        if (d.isEmpty() || d.get().compareTo(min) < 0) {
            f.deny(Finding.Type.INVALID, p, v, "\"" + v + "\" is " + numberProblem(d) + ": use " + expected);
        }
    }

    private static void decimalBetween(String v, BigDecimal min, BigDecimal max, FieldPath p, Findings f) {
        Optional<BigDecimal> d = knativeDecimal(v);
        if (d.isEmpty() || d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0) {
            f.deny(Finding.Type.INVALID, p, v, "\"" + v + "\" is " + numberProblem(d) + ": use a number from " + min.toPlainString() + " to " + max.toPlainString());
        }
    }

    /** Whether it is a whole number of at least {@code min} (else denied). */
    private static boolean wholeAtLeast(String v, long min, FieldPath p, Findings f) {
        Optional<BigDecimal> d = knativeDecimal(v);
        boolean whole = d.isPresent() && WHOLE.matcher(v).matches()
                && d.get().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0;
        if (!whole || d.get().compareTo(BigDecimal.valueOf(min)) < 0) {
            f.deny(Finding.Type.INVALID, p, v, "\"" + v + "\" is out of Knative's range: use a whole number of at least " + min);
            return false;
        }
        return true;
    }

    private static void duration(String v, BigDecimal min, BigDecimal max, boolean wholeSeconds, FieldPath p, Findings f, String expected) {
        Optional<BigDecimal> seconds = GoDuration.seconds(v);
        if (seconds.isEmpty()) {
            f.deny(Finding.Type.INVALID, p, v, "\"" + v + "\" is not a duration: write a number with a unit, " + expected);
        } else if (wholeSeconds && seconds.get().stripTrailingZeros().scale() > 0) {
            f.deny(Finding.Type.INVALID, p, v, "\"" + v + "\" has a fraction of a second: Knative takes whole seconds, " + expected);
        } else if (seconds.get().compareTo(min) < 0 || seconds.get().compareTo(max) > 0) {
            f.deny(Finding.Type.INVALID, p, v, "\"" + v + "\" is out of Knative's range: use " + expected);
        }
    }
}
