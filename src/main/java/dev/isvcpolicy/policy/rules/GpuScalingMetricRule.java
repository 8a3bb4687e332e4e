package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentValidation;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import java.util.Locale;
import java.util.Set;

/** Scaling signals that do not follow GPU work: cpu/memory on a GPU component, GPU cache metrics on a CPU one. */
public final class GpuScalingMetricRule implements ComponentValidation {

    public static final String ID = "gpu-scaling-metric";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Action defaultAction() {
        return Action.WARN;
    }

    @Override
    public String doc() {
        return "warn: a GPU component scaled on cpu/memory, or a KV-cache query on a component without a GPU";
    }

    @Override
    public String why() {
        return "GPU inference is not CPU-bound: cpu and memory barely move with load, so a GPU component scaled on them does not scale; and a KV-cache metric does not exist on a component without a GPU.";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return c.autoscaler().followsMetrics() && !c.isCanary(); // a canary runs fixed replicas (RULES.md §2)
    }

    @Override
    public void check(Component c, Review review, Findings f) {
        Set<String> names = Gpus.resourceNames(review);
        boolean gpu = Gpus.hasGpu(c, names);
        if (gpu) {
            String metric = Scaling.effectiveMetric(c, review).orElse("");
            if (Json.has(c.spec(), "scaleMetric") && (metric.equals("cpu") || metric.equals("memory"))) {
                f.warn(c.field("scaleMetric"), "a GPU component scaled on " + metric + " barely moves: GPU work is not CPU-bound; "
                        + betterSignal(c));
            } else if (!Json.has(c.spec(), "scaleMetric") && !Json.has(c.spec(), "autoScaling") && (metric.equals("cpu") || metric.equals("memory"))) {
                f.warn(c.path(), "a GPU component scaled on " + metric + " (the autoscaler's default) barely moves: GPU work is not CPU-bound; "
                        + betterSignal(c));
            }
            for (Scaling.Metric m : Scaling.metrics(c)) {
                if (m.isResource()) {
                    String resource = m.node().path("resource").path("name").asText();
                    f.warn(m.path(), "a GPU component scaled on " + resource + " barely moves: GPU work is not CPU-bound; "
                            + "scale on a request or queue metric (External prometheus, or PodMetric)");
                }
            }
        } else {
            for (Scaling.Metric m : Scaling.metrics(c)) {
                for (Scaling.Text q : m.queries()) {
                    String lower = q.value().toLowerCase(Locale.ROOT);
                    if (lower.contains("gpu_cache_usage") || lower.contains("kv_cache_usage")) {
                        f.warn(q.path(), "queries GPU KV-cache usage, but the " + c.label()
                                + " has no GPU: the metric does not exist on CPU, so KEDA will never scale on it");
                    }
                }
            }
        }
    }

    /**
     * What to scale a GPU component on instead, with what this component's autoscaler can use: an HPA cannot read
     * concurrency (scale-metric would refuse it), so the advice names the autoscaler that can.
     */
    private static String betterSignal(Component c) {
        return switch (c.autoscaler()) {
            case KNATIVE_HPA -> "scale on concurrency with Knative's KPA (autoscaling.knative.dev/class: kpa.autoscaling.knative.dev)";
            case HPA -> "scale on a queue metric with KEDA (serving.kserve.io/autoscalerClass: keda and an External prometheus metric, "
                    + "e.g. vllm:num_requests_waiting)";
            default -> "scale on concurrency, or a queue metric such as vllm:num_requests_waiting";
        };
    }
}
