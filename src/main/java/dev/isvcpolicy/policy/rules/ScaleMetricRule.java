package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentValidation;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import java.util.Optional;

/** A {@code scaleMetric} the resolved autoscaler cannot use (KServe accepts several of these and scales on nothing). */
public final class ScaleMetricRule implements ComponentValidation {

    public static final String ID = "scale-metric";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "scaleMetric must be one the autoscaler uses: KPA concurrency|rps, HPA cpu|memory, keda none (autoScaling.metrics)";
    }

    @Override
    public String why() {
        return "A metric the resolved autoscaler cannot use leaves it without one: KServe's HPA, for one, ends up with no metric and never scales.";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return c.autoscaler() != Autoscaler.NOT_SCALED && c.autoscaler() != Autoscaler.CUSTOM;
    }

    @Override
    public void check(Component c, Review review, Findings f) {
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
            f.deny(Finding.Type.NOT_SUPPORTED, c.field("scaleMetric"), metric, "\"" + metric + "\" is not a scale metric: use cpu, memory, concurrency or rps"
                    + ("qps".equals(metric) ? " (qps is spelled rps)" : ""));
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
}
