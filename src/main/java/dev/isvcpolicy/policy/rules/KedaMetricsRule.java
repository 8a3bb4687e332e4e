package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Setting;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentMutation;
import dev.isvcpolicy.policy.ComponentValidation;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Edits;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.PolicySettings;
import dev.isvcpolicy.policy.Review;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Standard mode with KEDA: converts {@code scaleMetric}/{@code scaleTarget} into {@code autoScaling.metrics}
 * (KServe refuses scaleMetric under KEDA), and refuses metrics KEDA would reject or that make no trigger.
 */
public final class KedaMetricsRule implements ComponentMutation, ComponentValidation {

    public static final Setting<Integer> DEFAULT_UTILIZATION = Setting.integer("webhook.keda.default-utilization", 80, 1, 100,
            "averageUtilization written for cpu (and memory without scaleTarget) when scaleTarget is absent, e.g. 80.");
    public static final Setting<Optional<String>> PROMETHEUS_SERVER_ADDRESS = Setting.optionalText("webhook.keda.prometheus-server-address",
            Json::isHttpUrl, "an http(s) URL",
            "Prometheus for converting concurrency/rps, e.g. http://prometheus.monitoring.svc:9090; unset: no conversion (validation names this key).");
    public static final Setting<Optional<String>> CONCURRENCY_QUERY = Setting.optionalText("webhook.keda.concurrency-query", q -> true, "",
            "PromQL for scaleMetric concurrency; {namespace}, {name} and {component} are replaced.");
    public static final Setting<Optional<String>> RPS_QUERY = Setting.optionalText("webhook.keda.rps-query", q -> true, "",
            "PromQL for scaleMetric rps, with the same placeholders.");

    @Override
    public List<Setting<?>> settings() {
        return List.of(DEFAULT_UTILIZATION, PROMETHEUS_SERVER_ADDRESS, CONCURRENCY_QUERY, RPS_QUERY);
    }

    /** The configured query for concurrency or rps. */
    private static Optional<String> queryFor(PolicySettings s, String metric) {
        return switch (metric) {
            case "concurrency" -> s.get(CONCURRENCY_QUERY);
            case "rps" -> s.get(RPS_QUERY);
            default -> Optional.empty();
        };
    }

    public static final String ID = "keda-metrics";

    /** Knative's default targets, used when a concurrency/rps conversion has no scaleTarget. */
    static final long DEFAULT_CONCURRENCY_TARGET = 100;
    static final long DEFAULT_RPS_TARGET = 200;

    private static final Pattern OTEL_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_:-]*");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final BigDecimal ONE_MI = BigDecimal.valueOf(1L << 20);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "Standard + keda: convert scaleMetric/scaleTarget into autoScaling.metrics; refuse metrics KEDA rejects";
    }

    @Override
    public String why() {
        return "With the keda class KServe reads only autoScaling.metrics and refuses scaleMetric; KEDA rejects malformed triggers only when KServe's controller creates the ScaledObject, long after the apply succeeded.";
    }

    private static boolean isKeda(Component c, Review r) {
        return r.mode() == DeploymentMode.STANDARD && c.autoscaler() == Autoscaler.KEDA;
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return isKeda(c, review);
    }

    // ---- mutation -------------------------------------------------------------------------------

    @Override
    public void mutate(Component c, Review review, Edits edits) {
        boolean hasMetric = Json.has(c.spec(), "scaleMetric");
        boolean hasTarget = Json.has(c.spec(), "scaleTarget");
        if ((!hasMetric && !hasTarget) || Json.object(c.spec(), "autoScaling").map(a -> Json.has(a, "metrics")).orElse(false)) {
            return;
        }
        Optional<String> metric = hasMetric ? Scaling.scaleMetric(c).map(Scaling::fold) : Optional.of("cpu");
        Json.IntField target = Json.int32(c.spec(), "scaleTarget");
        if (metric.isEmpty() || target.invalid()
                || (target.valid() && Scaling.targetRangeProblem(metric.get(), target.get()).isPresent())) {
            return;
        }
        Optional<ObjectNode> converted = convert(metric.get(), target.valid() ? target.get() : null, c, review);
        if (converted.isEmpty()) {
            return;
        }
        ArrayNode metrics = JSON.arrayNode().add(converted.get());
        if (!edits.set(Scaling.metricsPath(c), metrics)) {
            return;
        }
        edits.remove(c.field("scaleMetric"));
        edits.remove(c.field("scaleTarget"));
        edits.notice(Scaling.metricsPath(c), "moved scaleMetric " + metric.get()
                + (target.valid() ? "/scaleTarget " + target.get() : "") + " into autoScaling.metrics[0] ("
                + describe(converted.get()) + "): KEDA reads only autoScaling.metrics");
    }

    private static Optional<ObjectNode> convert(String metric, Long target, Component c, Review review) {
        PolicySettings s = review.settings();
        ObjectNode m = JSON.objectNode();
        switch (metric) {
            case "cpu", "memory" -> {
                m.put("type", "Resource");
                ObjectNode resource = m.putObject("resource");
                resource.put("name", metric);
                ObjectNode t = resource.putObject("target");
                if ("memory".equals(metric) && target != null) {
                    t.put("type", "AverageValue");
                    t.put("averageValue", target + "Mi");
                } else {
                    t.put("type", "Utilization");
                    t.put("averageUtilization", target != null ? target.intValue() : s.get(DEFAULT_UTILIZATION).intValue());
                }
                return Optional.of(m);
            }
            case "concurrency", "rps" -> {
                Optional<String> query = queryFor(s, metric);
                if (s.get(PROMETHEUS_SERVER_ADDRESS).isEmpty() || query.isEmpty()) {
                    return Optional.empty();
                }
                m.put("type", "External");
                ObjectNode external = m.putObject("external");
                ObjectNode em = external.putObject("metric");
                em.put("backend", "prometheus");
                em.put("serverAddress", s.get(PROMETHEUS_SERVER_ADDRESS).get());
                em.put("query", query.get()
                        .replace("{namespace}", review.namespace() == null ? "" : review.namespace())
                        .replace("{name}", review.name())
                        .replace("{component}", c.objectName()));
                ObjectNode t = external.putObject("target");
                t.put("type", "Value");
                long value = target != null ? target : "rps".equals(metric) ? DEFAULT_RPS_TARGET : DEFAULT_CONCURRENCY_TARGET;
                t.put("value", Long.toString(value));
                return Optional.of(m);
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static String describe(ObjectNode m) {
        if ("Resource".equals(m.path("type").asText())) {
            JsonNode t = m.path("resource").path("target");
            return "Resource " + m.path("resource").path("name").asText() + " " + t.path("type").asText() + " "
                    + (t.has("averageUtilization") ? t.path("averageUtilization").asText() : t.path("averageValue").asText());
        }
        return "External prometheus, target " + m.path("external").path("target").path("value").asText();
    }

    // ---- validation -----------------------------------------------------------------------------

    @Override
    public void check(Component c, Review review, Findings f) {
        List<Scaling.Metric> metrics = Scaling.metrics(c);
        if (metrics.isEmpty() && !c.isCanary()) {
            Optional<String> metric = Scaling.scaleMetric(c).map(Scaling::fold);
            PolicySettings s = review.settings();
            if (metric.filter(m -> m.equals("concurrency") || m.equals("rps")).isPresent()
                    && (s.get(PROMETHEUS_SERVER_ADDRESS).isEmpty() || queryFor(s, metric.get()).isEmpty())) {
                f.deny(Finding.Type.INVALID, c.field("scaleMetric"), metric.get(), "cannot turn scaleMetric " + metric.get()
                        + " into a KEDA trigger: the webhook has no Prometheus to query; set webhook.keda.prometheus-server-address and webhook.keda."
                        + metric.get() + "-query, or write autoScaling.metrics yourself");
            } else {
                f.deny(Finding.Type.REQUIRED, Scaling.metricsPath(c), null, "KEDA needs at least one metric, or the ScaledObject has no trigger: add autoScaling.metrics "
                        + "(e.g. type Resource, cpu, Utilization 80), or set scaleMetric/scaleTarget for the webhook to convert");
            }
        }
        JsonNode raw = Json.object(c.spec(), "autoScaling").flatMap(a -> Json.field(a, "metrics")).orElse(null);
        if (raw != null && raw.isArray()) {
            for (int i = 0; i < raw.size(); i++) {
                if (!raw.get(i).isObject()) {
                    f.deny(Scaling.metricsPath(c).index(i), "must be an object with a type: Resource, External or PodMetric");
                }
            }
        }
        for (Scaling.Metric m : metrics) {
            switch (m.type()) {
                case "Resource" -> checkResource(m, f);
                case "External" -> checkExternal(m, f);
                case "PodMetric" -> checkPodMetric(m, f);
                default -> f.deny(m.type().isEmpty() ? Finding.Type.REQUIRED : Finding.Type.NOT_SUPPORTED, m.path().child("type"), m.type(), (m.type().isEmpty() ? "missing" : "\"" + m.type() + "\" is not a metric type")
                        + ": use Resource, External or PodMetric");
            }
        }
    }

    private static void checkResource(Scaling.Metric m, Findings f) {
        ObjectNode resource = Json.object(m.node(), "resource").orElse(null);
        FieldPath rp = m.path().child("resource");
        String name = Json.text(resource, "name").orElse("");
        ObjectNode target = Json.object(resource, "target").orElse(null);
        FieldPath tp = rp.child("target");
        String type = Json.text(target, "type").orElse("");
        Json.IntField utilization = Json.int32(target, "averageUtilization");
        switch (name) {
            case "cpu" -> {
                if (!"Utilization".equals(type)) {
                    f.deny(type.isEmpty() ? Finding.Type.REQUIRED : Finding.Type.NOT_SUPPORTED, tp.child("type"), type, "a cpu metric must be type Utilization (a percentage of the cpu request), e.g. averageUtilization: 80");
                } else {
                    utilizationInRange(utilization, tp, f);
                }
            }
            case "memory" -> {
                if ("Utilization".equals(type)) {
                    utilizationInRange(utilization, tp, f);
                } else if ("AverageValue".equals(type)) {
                    Optional<BigDecimal> value = Quantities.parse(target.get("averageValue"));
                    if (value.isEmpty() || value.get().compareTo(ONE_MI) < 0) {
                        f.deny(Finding.Type.INVALID, tp.child("averageValue"), target.get("averageValue"), "a memory AverageValue must be a quantity of at least 1Mi, e.g. \"512Mi\"");
                    }
                } else {
                    f.deny(type.isEmpty() ? Finding.Type.REQUIRED : Finding.Type.NOT_SUPPORTED, tp.child("type"), type, "a memory metric must be type AverageValue (e.g. \"512Mi\") or Utilization (1 to 100)");
                }
            }
            default -> f.deny(name.isEmpty() ? Finding.Type.REQUIRED : Finding.Type.NOT_SUPPORTED, rp.child("name"), name, "a Resource metric names cpu or memory");
        }
    }

    private static void utilizationInRange(Json.IntField utilization, FieldPath tp, Findings f) {
        if (!utilization.valid() || utilization.get() < 1 || utilization.get() > 100) {
            f.deny(!utilization.present() ? Finding.Type.REQUIRED : Finding.Type.INVALID, tp.child("averageUtilization"), utilization.raw(), "must be a whole percentage from 1 to 100, e.g. 80");
        }
    }

    private static void checkExternal(Scaling.Metric m, Findings f) {
        ObjectNode external = Json.object(m.node(), "external").orElse(null);
        FieldPath ep = m.path().child("external");
        ObjectNode metric = Json.object(external, "metric").orElse(null);
        FieldPath mp = ep.child("metric");
        String backend = Json.text(metric, "backend").orElse("");
        if (!backend.equals("prometheus") && !backend.equals("graphite")) {
            f.deny(backend.isEmpty() ? Finding.Type.REQUIRED : Finding.Type.NOT_SUPPORTED, mp.child("backend"), backend, "an External metric needs backend prometheus or graphite");
        }
        Optional<String> server = Json.text(metric, "serverAddress");
        if (server.isEmpty() || !Json.isHttpUrl(server.get())) {
            f.deny(server.isEmpty() ? Finding.Type.REQUIRED : Finding.Type.INVALID, mp.child("serverAddress"), server.orElse(null), "must be the http(s) address of the " + (backend.isEmpty() ? "metrics" : backend)
                    + " server, e.g. http://prometheus.monitoring.svc:9090");
        }
        if (Json.text(metric, "query").filter(q -> !q.isBlank()).isEmpty()) {
            f.deny(Finding.Type.REQUIRED, mp.child("query"), null, "must not be empty: write the query whose value KEDA compares with target.value");
        }
        checkTargetValue(Json.object(external, "target").orElse(null), ep.child("target"), f);
    }

    private static void checkPodMetric(Scaling.Metric m, Findings f) {
        ObjectNode podmetric = Json.object(m.node(), "podmetric").orElse(null);
        FieldPath pp = m.path().child("podmetric");
        ObjectNode metric = Json.object(podmetric, "metric").orElse(null);
        FieldPath mp = pp.child("metric");
        if (!"opentelemetry".equals(Json.text(metric, "backend").orElse(""))) {
            f.deny(Json.text(metric, "backend").isEmpty() ? Finding.Type.REQUIRED : Finding.Type.NOT_SUPPORTED, mp.child("backend"), Json.text(metric, "backend").orElse(null), "a PodMetric metric needs backend opentelemetry");
        }
        ArrayNode names = Json.array(metric, "metricNames").orElse(null);
        if (names == null || names.isEmpty()) {
            f.deny(Finding.Type.REQUIRED, mp.child("metricNames"), null, "must list the OpenTelemetry metrics to collect, e.g. [vllm:num_requests_running]");
        } else {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i).isTextual() ? names.get(i).asText() : "";
                if (!OTEL_NAME.matcher(name).matches()) {
                    f.warn(mp.child("metricNames").index(i), "\"" + name + "\" is outside [a-zA-Z][a-zA-Z0-9_:-]*: the KEDA OpenTelemetry add-on rejects it");
                }
            }
        }
        if (Json.text(metric, "query").filter(q -> !q.isBlank()).isEmpty()) {
            f.deny(Finding.Type.REQUIRED, mp.child("query"), null, "must not be empty: write the query over metricNames, e.g. vllm:num_requests_running");
        }
        checkTargetValue(Json.object(podmetric, "target").orElse(null), pp.child("target"), f);
    }

    private static void checkTargetValue(ObjectNode target, FieldPath tp, Findings f) {
        Optional<BigDecimal> value = Quantities.parse(target == null ? null : target.get("value"));
        if (value.isEmpty() || value.get().signum() <= 0) {
            f.deny(target == null || !target.has("value") ? Finding.Type.REQUIRED : Finding.Type.INVALID, tp.child("value"), target == null ? null : target.get("value"), "must be a quantity above 0, e.g. \"2\": the value of the query at which KEDA adds a replica");
        }
    }
}
