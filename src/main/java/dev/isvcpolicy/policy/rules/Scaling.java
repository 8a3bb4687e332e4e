package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads of a component's scaling fields that several rules share. */
final class Scaling {

    private Scaling() {
    }

    /** The four {@code scaleMetric} values of the CRD. */
    static final Set<String> SCALE_METRICS = Set.of("cpu", "memory", "concurrency", "rps");

    /** One entry of {@code autoScaling.metrics}. */
    record Metric(int index, FieldPath path, ObjectNode node, String type) {

        boolean isResource() {
            return "Resource".equals(type);
        }

        boolean isOtel() {
            return "PodMetric".equals(type);
        }

        /** The query and metric names of an External or PodMetric metric, with their paths. */
        List<Text> queries() {
            List<Text> out = new ArrayList<>();
            String block = "External".equals(type) ? "external" : isOtel() ? "podmetric" : null;
            if (block == null) {
                return out;
            }
            ObjectNode metric = Json.object(node, block).flatMap(b -> Json.object(b, "metric")).orElse(null);
            FieldPath metricPath = path.child(block).child("metric");
            Json.text(metric, "query").ifPresent(q -> out.add(new Text(q, metricPath.child("query"))));
            ArrayNode names = Json.array(metric, "metricNames").orElse(null);
            if (names != null) {
                for (int i = 0; i < names.size(); i++) {
                    if (names.get(i).isTextual()) {
                        out.add(new Text(names.get(i).asText(), metricPath.child("metricNames").index(i)));
                    }
                }
            }
            return out;
        }
    }

    /** A string value and where it sits. */
    record Text(String value, FieldPath path) {
    }

    static FieldPath metricsPath(Component c) {
        return c.field("autoScaling").child("metrics");
    }

    static List<Metric> metrics(Component c) {
        List<Metric> out = new ArrayList<>();
        ArrayNode metrics = Json.object(c.spec(), "autoScaling").flatMap(a -> Json.array(a, "metrics")).orElse(null);
        if (metrics == null) {
            return out;
        }
        for (int i = 0; i < metrics.size(); i++) {
            JsonNode m = metrics.get(i);
            if (m.isObject()) {
                out.add(new Metric(i, metricsPath(c).index(i), (ObjectNode) m, Json.text(m, "type").orElse("")));
            }
        }
        return out;
    }

    static boolean usesOtel(Component c) {
        for (Metric m : metrics(c)) {
            if (m.isOtel()) {
                return true;
            }
        }
        return false;
    }

    /** {@code scaleMetric} as written, when it is a string. */
    static Optional<String> scaleMetric(Component c) {
        return Json.text(c.spec(), "scaleMetric");
    }

    /** {@code qps} read as {@code rps}, the spelling KServe uses. */
    static String fold(String metric) {
        return "qps".equals(metric) ? "rps" : metric;
    }

    /**
     * The metric the component will really be scaled on: {@code scaleMetric}, else (Knative) the
     * metric annotation, else the autoscaler's own default.
     */
    static Optional<String> effectiveMetric(Component c, Review r) {
        Optional<String> own = scaleMetric(c).map(Scaling::fold);
        if (own.isPresent()) {
            return own;
        }
        if (r.mode() == DeploymentMode.KNATIVE) {
            Optional<String> annotated = r.effective(c, Annotations.KNATIVE_METRIC).map(Review.Annotation::value);
            if (annotated.isPresent()) {
                return annotated;
            }
        }
        return switch (c.autoscaler()) {
            case KPA -> Optional.of("concurrency");
            case KNATIVE_HPA, HPA -> Optional.of("cpu");
            default -> Optional.empty();
        };
    }

    /**
     * Whether this component runs under someone else's Knative autoscaler (RULES.md §2: a class with a dot that is not
     * one of Knative's, e.g. {@code my-autoscaler.example.com}), whose metric and target rules are its own. Not a
     * misspelt class ({@code Hpa} in Standard mode, {@code foo.knative.dev}, a trailing space): those are refused by
     * {@code autoscaler-class}, and the other rules still judge what they can.
     */
    static boolean customKnativeClass(Component c, Review r) {
        if (c.autoscaler() != Autoscaler.CUSTOM || r.mode() != DeploymentMode.KNATIVE) {
            return false;
        }
        String cls = r.effective(c, Annotations.KNATIVE_CLASS).map(Review.Annotation::value).orElse("");
        return cls.contains(".") && !cls.strip().endsWith(".knative.dev");
    }

    /**
     * Whether {@code memory} as this component's metric gets no HPA metric for want of a target, so the HPA
     * scales on cpu 80% instead (Kubernetes' default for an HPA without metrics):
     * <ul>
     * <li>Knative's HPA class builds the memory metric only from a target (MiB per pod): {@code scaleTarget}, or an
     * {@code autoscaling.knative.dev/target} in force;</li>
     * <li>KServe's HPA (Standard mode, class hpa, no {@code autoScaling}) writes a memory metric only when
     * {@code scaleTarget} is set, as a utilization percentage (KServe's {@code hpa_reconciler.go}, {@code getHPAMetrics}).</li>
     * </ul>
     */
    static boolean memoryWithoutTarget(String metric, Component c, Review r) {
        if (!"memory".equals(metric) || Json.has(c.spec(), "scaleTarget")) {
            return false;
        }
        return switch (c.autoscaler()) {
            case KNATIVE_HPA -> r.effective(c, Annotations.KNATIVE_TARGET).isEmpty();
            case HPA -> !Json.has(c.spec(), "autoScaling");
            default -> false;
        };
    }

    /** How to set a memory target for this component's HPA, for messages: the unit differs between the two HPAs. */
    static String memoryTargetHint(Component c) {
        return c.autoscaler() == Autoscaler.HPA
                ? "scaleTarget (the average memory utilization in percent of the memory request, e.g. 80)"
                : "scaleTarget (the average memory per pod in MiB, e.g. 512)";
    }

    /** Why a scaleTarget is out of range for a metric, or empty when it is fine. */
    static Optional<String> targetRangeProblem(String metric, long target) {
        if ("cpu".equals(metric)) {
            return target < 1 || target > 100
                    ? Optional.of("a cpu target is a utilization percentage: use 1 to 100")
                    : Optional.empty();
        }
        if (target < 1) {
            String unit = switch (metric) {
                case "memory" -> "a memory target is in MiB per pod (Knative's HPA class, KEDA) or a percentage of the memory "
                        + "request (KServe's HPA)";
                case "concurrency" -> "a concurrency target is in-flight requests per replica";
                case "rps" -> "an rps target is requests per second per replica";
                default -> "a target";
            };
            return Optional.of(unit + ": use 1 or more");
        }
        return Optional.empty();
    }

    /**
     * Standard mode and class {@code keda} (component annotation, else the InferenceService's), whether or not
     * the component has {@code autoScaling} (without it, it resolves to none).
     */
    static boolean kedaClass(Component c, Review r) {
        return r.mode() == DeploymentMode.STANDARD
                && r.effective(c, Annotations.AUTOSCALER_CLASS).map(a -> "keda".equals(a.value())).orElse(false);
    }

    static boolean isStandardScaled(Component c) {
        return c.autoscaler() == Autoscaler.HPA || c.autoscaler() == Autoscaler.KEDA;
    }
}
