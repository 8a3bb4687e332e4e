package dev.isvcpolicy.properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;

/**
 * Generated InferenceServices: every component kind, deployment modes (legacy and bogus included),
 * autoscaler classes at both levels, metrics, Knative annotations, GPU resources, wrong JSON types,
 * and fields no rule knows.
 */
final class IsvcArbitraries {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private IsvcArbitraries() {
    }

    /** A JSON value of any shape, small. */
    static Arbitrary<JsonNode> anyJson() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-5, 5000).map(i -> (JsonNode) F.numberNode(i)),
                Arbitraries.strings().ofMaxLength(12).map(s -> (JsonNode) F.textNode(s)),
                Arbitraries.of(F.nullNode(), F.booleanNode(true), F.numberNode(2.5), F.numberNode(Long.MAX_VALUE),
                        F.arrayNode().add(1).add("x"), F.objectNode().put("k", "v"), F.textNode("ü∂ƒ\u0000"), F.textNode("")));
    }

    /** A replica-like number: mostly plausible, sometimes wrong. */
    static Arbitrary<JsonNode> count() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(-1, 12).map(i -> (JsonNode) F.numberNode(i))),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(90, 1100).map(i -> (JsonNode) F.numberNode(i))),
                net.jqwik.api.Tuple.of(1, anyJson()));
    }

    static Arbitrary<JsonNode> metricName() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of("cpu", "memory", "concurrency", "rps", "qps").map(s -> (JsonNode) F.textNode(s))),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("QPS", "gpu", "").map(s -> (JsonNode) F.textNode(s))),
                net.jqwik.api.Tuple.of(1, anyJson()));
    }

    static Arbitrary<String> knativeKey() {
        return Arbitraries.of("class", "metric", "target", "target-utilization-percentage", "window", "panic-window-percentage",
                "panic-threshold-percentage", "target-burst-capacity", "initial-scale", "activation-scale", "scale-down-delay",
                "min-scale", "max-scale", "minScale", "custom", "scale-to-zero-pod-retention-period", "metric-aggregation-algorithm",
                "initialScale", "targetBurstCapacity").map(k -> "autoscaling.knative.dev/" + k);
    }

    static Arbitrary<String> annotationValue() {
        return Arbitraries.oneOf(
                Arbitraries.of("kpa.autoscaling.knative.dev", "hpa.autoscaling.knative.dev", "foo.autoscaling.knative.dev",
                        "concurrency", "rps", "cpu", "memory", "0", "1", "2", "10", "70", "100", "110", "1000", "-1", "0.005",
                        "6s", "60s", "1h", "2h", "1.5s", "5m", "x", "", "1e1", " 10", "kpa", "hpa", "KPA", "linear", "weightedExponential", "True", "TRUE", "false", "FALSE",
                        "default/m-predictor", "Memory"),
                Arbitraries.integers().between(-10, 2000).map(String::valueOf));
    }

    /** The InferenceService-level or component-level annotations. */
    static Arbitrary<ObjectNode> annotations(boolean isvcLevel) {
        Arbitrary<List<String>> knative = Arbitraries.oneOf(knativeKey(), Arbitraries.just("sidecar.opentelemetry.io/inject"),
                        Arbitraries.just("serving.kserve.io/metrics"))
                .list().ofMaxSize(3);
        return Combinators.combine(
                isvcLevel ? Arbitraries.of("", "Standard", "RawDeployment", "Knative", "Serverless", "ModelMesh", "Bogus")
                        .injectDuplicates(0.0) : Arbitraries.just(""),
                Arbitraries.of("", "", "hpa", "keda", "external", "none", "kpa", "weird"),
                knative, annotationValue().list().ofSize(3),
                isvcLevel ? Arbitraries.of("", "[\"example.com/gpu\"]", "not json") : Arbitraries.just(""))
                .as((mode, cls, keys, values, gpuTypes) -> {
                    ObjectNode a = F.objectNode();
                    if (!mode.isEmpty()) {
                        a.put("serving.kserve.io/deploymentMode", mode);
                    }
                    if (!cls.isEmpty()) {
                        a.put("serving.kserve.io/autoscalerClass", cls);
                    }
                    for (int i = 0; i < keys.size(); i++) {
                        a.put(keys.get(i), values.get(i));
                    }
                    if (!gpuTypes.isEmpty()) {
                        a.put("serving.kserve.io/gpu-resource-types", gpuTypes);
                    }
                    a.put("example.com/keep", "untouched ~ / value");
                    return a;
                });
    }

    static Arbitrary<ObjectNode> metric() {
        Arbitrary<ObjectNode> resource = Combinators.combine(Arbitraries.of("cpu", "memory", "gpu"),
                        Arbitraries.of("Utilization", "AverageValue", "Value"), Arbitraries.integers().between(-1, 120),
                        Arbitraries.of("512Mi", "0", "1Gi", "x"))
                .as((name, type, util, value) -> {
                    ObjectNode m = F.objectNode().put("type", "Resource");
                    ObjectNode t = m.putObject("resource").put("name", name).putObject("target").put("type", type);
                    if ("AverageValue".equals(type)) {
                        t.put("averageValue", value);
                    } else {
                        t.put("averageUtilization", util);
                    }
                    return m;
                });
        Arbitrary<ObjectNode> external = Combinators.combine(Arbitraries.of("prometheus", "graphite", "other"),
                        Arbitraries.of("http://prom:9090", "prom:9090", ""),
                        Arbitraries.of("vllm:num_requests_running", "vllm:gpu_cache_usage_perc", "histogram_quantile(0.9, vllm:time_to_first_token_seconds_bucket)", ""),
                        Arbitraries.of("2", "0", "-1", "x"))
                .as((backend, server, query, value) -> {
                    ObjectNode m = F.objectNode().put("type", "External");
                    ObjectNode e = m.putObject("external");
                    e.putObject("metric").put("backend", backend).put("serverAddress", server).put("query", query);
                    e.putObject("target").put("type", "Value").put("value", value);
                    return m;
                });
        Arbitrary<ObjectNode> podmetric = Combinators.combine(Arbitraries.of("opentelemetry", "prometheus"),
                        Arbitraries.of("vllm:num_requests_running", "1bad name", "kv_cache_usage"), Arbitraries.of("4", "0"))
                .as((backend, name, value) -> {
                    ObjectNode m = F.objectNode().put("type", "PodMetric");
                    ObjectNode p = m.putObject("podmetric");
                    ObjectNode metric = p.putObject("metric").put("backend", backend).put("query", name);
                    metric.putArray("metricNames").add(name);
                    p.putObject("target").put("type", "Value").put("value", value);
                    return m;
                });
        return Arbitraries.oneOf(resource, external, podmetric, Arbitraries.just(F.objectNode().put("type", "Weird")));
    }

    static Arbitrary<ObjectNode> resources() {
        return Combinators.combine(Arbitraries.of("nvidia.com/gpu", "amd.com/gpu", "example.com/gpu", "cpu"),
                        Arbitraries.of("1", "2", "0", "0.5", "500m"), Arbitraries.of("1", "2", "4"), Arbitraries.of(0, 1, 2))
                .as((name, limit, request, shape) -> {
                    ObjectNode r = F.objectNode();
                    if (shape != 1) {
                        r.putObject("limits").put(name, limit);
                    }
                    if (shape != 0) {
                        r.putObject("requests").put(name, request);
                    }
                    return r;
                });
    }

    /** One component (predictor, transformer, explainer or canary predictor). */
    static Arbitrary<ObjectNode> component() {
        return Builders.withBuilder(() -> F.objectNode())
                .use(count()).withProbability(0.6).in((c, v) -> c.set("minReplicas", v))
                .use(count()).withProbability(0.5).in((c, v) -> c.set("maxReplicas", v))
                .use(metricName()).withProbability(0.5).in((c, v) -> c.set("scaleMetric", v))
                .use(count()).withProbability(0.5).in((c, v) -> c.set("scaleTarget", v))
                .use(count()).withProbability(0.2).in((c, v) -> c.set("containerConcurrency", v))
                .use(metric().list().ofMaxSize(2)).withProbability(0.35).in((c, v) -> {
                    ArrayNode list = c.putObject("autoScaling").putArray("metrics");
                    v.forEach(list::add);
                    return c;
                })
                .use(annotations(false)).withProbability(0.4).in((c, v) -> c.set("annotations", v))
                .use(Combinators.combine(resources(), Arbitraries.of("model", "pytorch", "containers", "workerSpec"))
                        .as((r, where) -> new Object[] {r, where})).withProbability(0.3).in((c, pair) -> {
                    ObjectNode r = (ObjectNode) pair[0];
                    switch ((String) pair[1]) {
                        case "containers" -> c.putArray("containers").addObject().put("name", "kserve-container").set("resources", r);
                        case "workerSpec" -> c.putObject("workerSpec").putArray("containers").addObject().set("resources", r);
                        default -> c.putObject((String) pair[1]).put("storageUri", "gs://bucket/m").set("resources", r);
                    }
                    return c;
                })
                .use(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8)).withProbability(0.3).in((c, k) -> {
                    c.putObject("x-" + k).putArray("deep").addObject().put("keep", k);
                    return c;
                })
                .use(Arbitraries.of("", "custom")).in((c, n) -> n.isEmpty() ? c : c.put("name", n))
                .build();
    }

    static Arbitrary<ObjectNode> inferenceService() {
        return Combinators.combine(Arbitraries.of("m", "flowers", "a-long-name-0123456789"), annotations(true),
                        component(), component().injectNull(0.6), component().injectNull(0.8), component().list().ofMaxSize(1),
                        anyJson())
                .as((name, annotations, predictor, transformer, explainer, canaries, extra) -> {
                    ObjectNode o = F.objectNode().put("apiVersion", "serving.kserve.io/v1beta1").put("kind", "InferenceService");
                    ObjectNode meta = o.putObject("metadata").put("name", name);
                    meta.set("annotations", annotations);
                    meta.putObject("labels").put("team", "x");
                    ObjectNode spec = o.putObject("spec");
                    spec.set("predictor", predictor);
                    if (transformer != null) {
                        spec.set("transformer", transformer);
                    }
                    if (explainer != null) {
                        spec.set("explainer", explainer);
                    }
                    if (!canaries.isEmpty()) {
                        spec.putArray("canary").addObject().put("trafficPercent", 10).set("predictor", canaries.get(0));
                    }
                    spec.set("futureField", extra);
                    o.putObject("status").put("url", "http://x");
                    return o;
                });
    }
}
