package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentValidation;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A {@code scaleMetric} the resolved autoscaler cannot use (KServe accepts several of these and scales on nothing).
 * Also: {@code autoScaling.metrics} with an External or PodMetric entry under hpa (explicit or by default) is denied
 * (only KEDA reads them; KServe's HPA drops them and scales on cpu 80%). Warned as ignored: {@code autoScaling} in
 * Knative mode; {@code scaleMetricType}; {@code autoScaling.behavior} unless keda, and under keda anything but
 * {@code scaleUp}/{@code scaleDown.stabilizationWindowSeconds}; the legacy annotations {@code serving.kserve.io/metrics}
 * and {@code serving.kserve.io/targetUtilizationPercentage}.
 */
public final class ScaleMetricRule implements ComponentValidation {

    public static final String ID = "scale-metric";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "scaleMetric must be one the autoscaler uses: KPA concurrency|rps, HPA cpu|memory, keda none (autoScaling.metrics); "
                + "External/PodMetric metrics need keda; fields and legacy annotations KServe ignores are warned";
    }

    @Override
    public String why() {
        return "A metric the resolved autoscaler cannot use is dropped without a word: KServe's HPA, for one, then gets no metric and scales on cpu 80% (Kubernetes' default), not on what was asked.";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return c.autoscaler() != Autoscaler.NOT_SCALED;
    }

    @Override
    public void check(Component c, Review review, Findings f) {
        ignoredFields(c, review, f);
        if (c.autoscaler() == Autoscaler.CUSTOM) {
            return;
        }
        Optional<JsonNode> raw = Json.field(c.spec(), "scaleMetric");
        Autoscaler a = c.autoscaler();
        if (a == Autoscaler.EXTERNAL || a == Autoscaler.NONE) {
            raw.ifPresent(x -> f.warn(c.field("scaleMetric"), "ignored: with autoscalerClass " + a.label() + " KServe creates no autoscaler"));
            if (Json.has(c.spec(), "scaleTarget")) {
                f.warn(c.field("scaleTarget"), "ignored: with autoscalerClass " + a.label() + " KServe creates no autoscaler");
            }
            return;
        }
        if (raw.isEmpty()) {
            return;
        }
        if (!raw.get().isTextual()) {
            f.deny(Finding.Type.INVALID, c.field("scaleMetric"), raw.get(), "must be one of cpu, memory, concurrency, rps (got " + Json.show(raw.get()) + ")");
            return;
        }
        String metric = raw.get().asText();
        if (!Scaling.SCALE_METRICS.contains(metric)) {
            f.deny(Finding.Type.NOT_SUPPORTED, c.field("scaleMetric"), metric, "\"" + metric + "\" is not a scale metric: " + meantMetric(metric, a));
            return;
        }
        if (a == Autoscaler.KEDA) {
            f.deny(Finding.Type.FORBIDDEN, c.field("scaleMetric"), null, "KEDA scales on autoScaling.metrics only and KServe refuses scaleMetric with it: "
                    + "write the metric under autoScaling.metrics (the webhook converts it where it can)");
        } else if (!a.scaleMetrics().contains(metric)) {
            f.deny(Finding.Type.NOT_SUPPORTED, c.field("scaleMetric"), metric, "\"" + metric + "\" cannot drive " + describe(a) + ", which scales on "
                    + String.join(" or ", a.scaleMetrics().stream().sorted().toList()) + ": " + fix(a, metric));
        }
    }

    private static final String LEGACY_METRICS_FIX = "set scaleMetric on each component (cpu or memory for an HPA, "
            + "concurrency or rps for Knative's KPA), or autoScaling.metrics under keda";
    private static final String LEGACY_TARGET_FIX = "set scaleTarget on each component (a cpu utilization "
            + "percentage for scaleMetric cpu), or the target of autoScaling.metrics under keda";

    /** A legacy annotation no controller reads any more, when present: warned with what to write instead. */
    private static void ignoredAnnotation(Optional<Review.Annotation> legacy, String key, String fix, Findings f) {
        if (legacy.isPresent()) {
            f.warn(Finding.Type.INVALID, legacy.get().path(), legacy.get().value(), "ignored: no KServe controller reads "
                    + key + " any more; " + fix);
        }
    }

    /** Fields and annotations KServe accepts and no controller reads, and metrics only KEDA reads. */
    private static void ignoredFields(Component c, Review review, Findings f) {
        // Plain checks: this runs for every component of every review, almost always finding nothing.
        ignoredAnnotation(review.annotation(Annotations.LEGACY_METRICS), Annotations.LEGACY_METRICS, LEGACY_METRICS_FIX, f);
        ignoredAnnotation(review.componentAnnotation(c, Annotations.LEGACY_METRICS), Annotations.LEGACY_METRICS, LEGACY_METRICS_FIX, f);
        ignoredAnnotation(review.annotation(Annotations.LEGACY_TARGET_UTILIZATION), Annotations.LEGACY_TARGET_UTILIZATION,
                LEGACY_TARGET_FIX, f);
        ignoredAnnotation(review.componentAnnotation(c, Annotations.LEGACY_TARGET_UTILIZATION), Annotations.LEGACY_TARGET_UTILIZATION,
                LEGACY_TARGET_FIX, f);
        if (Json.has(c.spec(), "scaleMetricType")) {
            f.warn(Finding.Type.INVALID, c.field("scaleMetricType"), c.spec().get("scaleMetricType"),
                    "ignored: no controller reads scaleMetricType (the HPA's target type follows scaleMetric: cpu Utilization, "
                            + "memory AverageValue); remove it, or under keda set the type in autoScaling.metrics[].*.target.type");
        }
        Optional<JsonNode> autoScaling = Json.field(c.spec(), "autoScaling");
        if (autoScaling.isEmpty()) {
            return;
        }
        if (review.mode() == DeploymentMode.KNATIVE) {
            f.warn(Finding.Type.INVALID, c.field("autoScaling"), null, "ignored in Knative mode: Knative scales on scaleMetric/"
                    + "scaleTarget and autoscaling.knative.dev annotations; use those, or Standard mode with "
                    + Annotations.AUTOSCALER_CLASS + ": keda for autoScaling.metrics");
            return;
        }
        if (c.autoscaler() == Autoscaler.HPA) {
            for (Scaling.Metric m : Scaling.metrics(c)) {
                if (m.type().equals("External") || m.type().equals("PodMetric")) {
                    List<FieldPath> paths = new ArrayList<>(List.of(m.path().child("type")));
                    if (c.classPath() != null) {
                        paths.add(c.classPath());
                    }
                    f.add(Action.DENY, Finding.Type.FORBIDDEN, paths, m.type(), "only KEDA reads " + m.type() + " metrics: "
                            + "KServe's HPA (autoscalerClass hpa" + (c.classPath() == null ? ", Standard mode's default" : "")
                            + ") drops them and scales on cpu 80%; set " + Annotations.AUTOSCALER_CLASS + ": keda");
                }
            }
        }
        JsonNode behavior = autoScaling.get().get("behavior");
        if (behavior == null || behavior.isNull()) {
            return;
        }
        FieldPath bp = c.field("autoScaling").child("behavior");
        if (c.autoscaler() != Autoscaler.KEDA) {
            f.warn(Finding.Type.INVALID, bp, null, "ignored: only KServe's ScaledObject (autoscalerClass keda) reads "
                    + "autoScaling.behavior, and " + (c.autoscaler() == Autoscaler.HPA ? "KServe's HPA is made without it"
                            : "with autoscalerClass " + c.autoscaler().label() + " KServe makes no autoscaler")
                    + "; use autoscalerClass keda, or external with an autoscaler of your own");
            return;
        }
        Iterator<String> keys = behavior.fieldNames();
        while (keys.hasNext()) {
            String key = keys.next();
            if (!key.equals("scaleUp") && !key.equals("scaleDown")) {
                f.warn(Finding.Type.INVALID, bp.child(key), null, IGNORED_BEHAVIOR);
                continue;
            }
            Iterator<String> inner = behavior.get(key).fieldNames();
            while (inner.hasNext()) {
                String field = inner.next();
                if (!field.equals("stabilizationWindowSeconds")) {
                    f.warn(Finding.Type.INVALID, bp.child(key).child(field), null, IGNORED_BEHAVIOR);
                }
            }
        }
    }

    private static final String IGNORED_BEHAVIOR = "ignored: KServe copies only scaleUp/scaleDown.stabilizationWindowSeconds "
            + "into its ScaledObject; for policies, selectPolicy or tolerance set autoscalerClass external and write your own "
            + "ScaledObject (advanced.horizontalPodAutoscalerConfig.behavior)";

    private static String describe(Autoscaler a) {
        return switch (a) {
            case KPA -> "Knative's KPA";
            case KNATIVE_HPA -> "Knative's HPA class";
            case HPA -> "KServe's HPA (Standard mode's default autoscaler)";
            default -> a.label();
        };
    }

    private static String fix(Autoscaler a, String metric) {
        boolean requestMetric = metric.equals("concurrency") || metric.equals("rps");
        return switch (a) {
            case KPA -> "for cpu/memory set autoscaling.knative.dev/class: hpa.autoscaling.knative.dev";
            case KNATIVE_HPA -> "for concurrency/rps use the KPA class (kpa.autoscaling.knative.dev)";
            case HPA -> requestMetric
                    ? "for " + metric + " use Knative mode, or serving.kserve.io/autoscalerClass: keda with a Prometheus metric"
                    : "use cpu or memory";
            default -> "use a supported metric";
        };
    }

    /**
     * The fix for a {@code scaleMetric} the CRD refuses: the value meant when it differs only in case or spaces
     * ({@code QPS} is rps, as scale-metric-alias reads {@code qps}), else the values this autoscaler can use.
     */
    private static String meantMetric(String metric, Autoscaler a) {
        boolean qps = Spelling.meant(metric, List.of("qps")).isPresent();
        Optional<String> meant = qps ? Optional.of("rps") : Spelling.meant(metric, Scaling.SCALE_METRICS);
        if (meant.isPresent()) {
            return "the CRD accepts cpu, memory, concurrency and rps exactly as written; write " + meant.get()
                    + (qps ? " (qps is spelled rps)" : "");
        }
        return a.scaleMetrics().isEmpty() ? "use cpu, memory, concurrency or rps"
                : "use " + String.join(" or ", a.scaleMetrics().stream().sorted().toList()) + " (what " + a.label() + " scales on)";
    }
}
