package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Setting;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentKind;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Standard mode with KEDA: converts {@code scaleMetric}/{@code scaleTarget} into {@code autoScaling.metrics}
 * (KServe refuses scaleMetric under KEDA), and refuses metrics KEDA would reject or that make no trigger.
 *
 * <p>A component of class keda without {@code autoScaling} is not scaled by KEDA (KServe after v0.20 treats it as
 * none), so the InferenceService is refused only when no component has {@code autoScaling}. Per component scaled
 * by KEDA: its object name at most 54 characters (KServe's ScaledObject and KEDA's {@code keda-hpa-<name>} HPA
 * must fit 63); Resource cpu {@code Utilization} 1–100, memory {@code AverageValue} ≥ 1Mi or {@code Utilization};
 * External with backend prometheus (graphite cannot work: KEDA's scaler needs {@code queryTime}, which KServe never
 * writes), an http(s) {@code serverAddress}, a query, {@code target.value} > 0, and no {@code authenticationRef.authModes}
 * without {@code authenticationRef.authenticationRef.name} (a name without modes is warned: KEDA then reads only the
 * TriggerAuthentication's pod identity); PodMetric with backend opentelemetry,
 * {@code metricNames}, a {@code query} that is a bare metric name among them (KServe wraps it as
 * {@code sum(<query>{namespace=…,deployment=…})}), {@code operationOverTime} one of last_one, avg, min, max, rate,
 * count, and a {@code serverAddress} (when set) that is the scaler's gRPC {@code host:port}. Warns on {@code target.type: Value}
 * (KServe writes no metric type, so KEDA uses AverageValue). KEDA's pause annotations (ISVC or component level,
 * copied by KServe onto its ScaledObject): {@code paused} must be a Go boolean (KEDA reads anything else as true),
 * {@code paused-scale-in}, {@code paused-scale-out} {@code true}/{@code false}, {@code paused-replicas} a whole number ≥ 0; a valid
 * pause is warned.
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
        return "Standard + keda: convert scaleMetric/scaleTarget into autoScaling.metrics; refuse metrics, names and pause "
                + "annotations KEDA rejects or misreads, and a keda InferenceService where no component has autoScaling";
    }

    @Override
    public String why() {
        return "With the keda class KServe reads only autoScaling.metrics and refuses scaleMetric; KEDA rejects malformed triggers only when KServe's controller creates the ScaledObject, long after the apply succeeded.";
    }

    /** The mutation's guard: class keda in Standard mode, with or without {@code autoScaling} yet. */
    @Override
    public boolean appliesTo(Component c, Review review) {
        return Scaling.kedaClass(c, review);
    }

    // ---- mutation -------------------------------------------------------------------------------

    @Override
    public void mutate(Component c, Review review, Edits edits) {
        boolean hasMetric = Json.has(c.spec(), "scaleMetric");
        boolean hasTarget = Json.has(c.spec(), "scaleTarget");
        if (!hasMetric && !hasTarget) {
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
        JsonNode autoScaling = c.spec().get("autoScaling");
        JsonNode present = autoScaling != null && autoScaling.isObject() ? autoScaling.get("metrics") : null;
        if (present != null && !present.isNull() && !(present.isArray() && present.isEmpty())) { // [] says no more than absent
            // Converted on an earlier apply: kubectl apply of the same manifest sends the pair back beside what it became.
            if (Json.sameTree(present, metrics)) {
                edits.remove(c.field("scaleMetric"));
                edits.remove(c.field("scaleTarget"));
                edits.notice(Scaling.metricsPath(c), "removed " + moved(hasMetric, metric.get(), target)
                        + " again: autoScaling.metrics[0] already says the same (" + describe(converted.get())
                        + "), and KEDA reads only autoScaling.metrics");
            }
            return;
        }
        if (!edits.set(Scaling.metricsPath(c), metrics)) {
            return;
        }
        edits.remove(c.field("scaleMetric"));
        edits.remove(c.field("scaleTarget"));
        edits.notice(Scaling.metricsPath(c), "moved " + moved(hasMetric, metric.get(), target) + " into autoScaling.metrics[0] ("
                + describe(converted.get()) + "): KEDA reads only autoScaling.metrics"
                + ("memory".equals(metric.get()) && target.valid() ? "; the memory target is MiB per pod, not a percentage as under "
                        + "KServe's HPA: for a percentage use type Utilization" : ""));
    }

    /** The fields a conversion moved, as the user wrote them, e.g. {@code scaleMetric memory/scaleTarget 512} or {@code scaleTarget 5 (cpu)}. */
    private static String moved(boolean hasMetric, String metric, Json.IntField target) {
        if (!hasMetric && target.valid()) {
            return "scaleTarget " + target.get() + " (a cpu target, as no scaleMetric is set)";
        }
        return "scaleMetric " + metric + (target.valid() ? "/scaleTarget " + target.get() : "");
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
                t.put("type", "AverageValue");
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

    /**
     * Standard mode, class keda: per component scaled by KEDA (it has {@code autoScaling}) the checks of
     * {@link #check}; once per InferenceService, that at least one component is scaled by KEDA (KServe after
     * v0.20 treats a keda component without {@code autoScaling} as none), and KEDA's pause annotations.
     */
    @Override
    public void validate(Review review, Findings f) {
        if (review.mode() != DeploymentMode.STANDARD) {
            return;
        }
        List<Component> keda = review.components().stream().filter(c -> Scaling.kedaClass(c, review)).toList();
        if (keda.isEmpty()) {
            return;
        }
        boolean scaled = false;
        for (Component c : keda) {
            if (c.autoscaler() == Autoscaler.KEDA) {
                scaled = true;
                check(c, review, f);
            }
        }
        List<Component> stable = keda.stream().filter(c -> !c.isCanary()).toList();
        if (!scaled && !stable.isEmpty()) {
            List<FieldPath> paths = new ArrayList<>();
            stable.forEach(c -> paths.add(c.field("autoScaling")));
            f.add(Action.DENY, Finding.Type.REQUIRED, paths, null, "autoscalerClass keda, but no component has autoScaling: KServe "
                    + "treats a keda component without autoScaling as none (no ScaledObject, replicas pinned to minReplicas), so "
                    + "nothing would scale. Add autoScaling.metrics (e.g. type Resource, cpu, Utilization 80) to at least one "
                    + "component, or set scaleMetric/scaleTarget for the webhook to convert, or choose autoscalerClass none or hpa");
        }
        if (keda.stream().anyMatch(c -> c.autoscaler() == Autoscaler.KEDA)) {
            checkPause(Json.object(review.object(), "metadata").flatMap(m -> Json.object(m, "annotations")).orElse(null),
                    Review.METADATA_ANNOTATIONS, "this InferenceService", f);
        }
    }

    /** A concurrency/rps {@code scaleMetric} the mutation could not convert for want of a Prometheus setting. */
    private static Optional<String> unconvertible(Component c, Review review) {
        if (Json.object(c.spec(), "autoScaling").flatMap(a -> Json.array(a, "metrics")).isPresent() && !Scaling.metrics(c).isEmpty()) {
            return Optional.empty();
        }
        Optional<String> metric = Scaling.scaleMetric(c).map(Scaling::fold);
        PolicySettings s = review.settings();
        return metric.filter(m -> m.equals("concurrency") || m.equals("rps"))
                .filter(m -> s.get(PROMETHEUS_SERVER_ADDRESS).isEmpty() || queryFor(s, m).isEmpty());
    }

    private static void denyUnconvertible(Component c, String metric, Findings f) {
        f.deny(Finding.Type.INVALID, c.field("scaleMetric"), metric, "cannot turn scaleMetric " + metric
                + " into a KEDA trigger: the webhook has no Prometheus to query; set webhook.keda.prometheus-server-address and webhook.keda."
                + metric + "-query, or write autoScaling.metrics yourself");
    }

    private static final List<String> PAUSE_FLAGS = List.of(Annotations.KEDA_PAUSED, Annotations.KEDA_PAUSED_SCALE_IN,
            Annotations.KEDA_PAUSED_SCALE_OUT);
    private static final Pattern WHOLE = Pattern.compile("0|[1-9][0-9]{0,8}");

    /**
     * {@code autoscaling.keda.sh/paused} as KEDA reads it: Go's {@code strconv.ParseBool} ({@code 1}, {@code t},
     * {@code true}, {@code TRUE}, {@code True} and the same for false); KEDA pauses on any other value
     * (KEDA's {@code ScaledObject.NeedToBePausedByAnnotation}). Empty for a value that is not a Go boolean.
     */
    static Optional<Boolean> goBool(String v) {
        return switch (v) {
            case "1", "t", "T", "true", "TRUE", "True" -> Optional.of(true);
            case "0", "f", "F", "false", "FALSE", "False" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    /**
     * KEDA's pause annotations, which KServe copies onto its ScaledObject. {@code paused} takes every Go boolean, as
     * KEDA parses it; {@code paused-scale-in} and {@code paused-scale-out} exactly {@code true} or {@code false}.
     */
    private static void checkPause(JsonNode annotations, FieldPath at, String where, Findings f) {
        if (annotations == null) {
            return;
        }
        for (String key : PAUSE_FLAGS) {
            Optional<String> v = Json.text(annotations, key);
            if (v.isEmpty()) {
                continue;
            }
            boolean goParsed = key.equals(Annotations.KEDA_PAUSED);
            Optional<Boolean> flag = goParsed ? goBool(v.get()) : goBool(v.get()).filter(b -> v.get().equals(b.toString()));
            if (flag.isEmpty()) {
                f.deny(Finding.Type.NOT_SUPPORTED, at.key(key), v.get(), goParsed
                        ? "must be a boolean, e.g. \"true\" or \"false\": KServe copies it onto its ScaledObject and KEDA reads a value "
                                + "it cannot parse as a boolean as true (autoscaling paused)"
                        : "must be \"true\" or \"false\", the values KEDA documents: KServe copies it onto its ScaledObject, where "
                                + "another value may pause scaling in that direction or not");
            } else if (flag.get()) {
                f.warn(Finding.Type.INVALID, at.key(key), v.get(), "KServe copies it onto the ScaledObject of " + where
                        + ": KEDA's autoscaling is paused" + (key.equals(Annotations.KEDA_PAUSED) ? "" : " in that direction")
                        + " until you remove it or set it to \"false\"");
            }
        }
        Optional<String> replicas = Json.text(annotations, Annotations.KEDA_PAUSED_REPLICAS);
        if (replicas.isPresent()) {
            if (!WHOLE.matcher(replicas.get()).matches()) {
                f.deny(Finding.Type.INVALID, at.key(Annotations.KEDA_PAUSED_REPLICAS), replicas.get(), "must be a whole number of "
                        + "replicas, 0 or more, e.g. \"1\": KServe copies it onto its ScaledObject, where KEDA pauses at that count");
            } else {
                f.warn(Finding.Type.INVALID, at.key(Annotations.KEDA_PAUSED_REPLICAS), replicas.get(), "KServe copies it onto the ScaledObject of "
                        + where + ": KEDA's autoscaling is paused at " + replicas.get() + " replica(s) until you remove it");
            }
        }
    }

    @Override
    public void check(Component c, Review review, Findings f) {
        List<Scaling.Metric> metrics = Scaling.metrics(c);
        checkPause(Json.object(c.spec(), "annotations").orElse(null), c.field("annotations"), "the " + c.label(), f);
        checkNameLength(c, review, f);
        if (metrics.isEmpty() && !c.isCanary()) {
            Optional<String> metric = unconvertible(c, review);
            if (metric.isPresent()) {
                denyUnconvertible(c, metric.get(), f);
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

    /** KEDA (2.20+) refuses object names over 63 characters: KServe's ScaledObject and KEDA's {@code keda-hpa-<name>}. */
    static final int MAX_KEDA_OBJECT_NAME = 63 - "keda-hpa-".length();

    private static void checkNameLength(Component c, Review review, Findings f) {
        boolean generated = !AutoscalerConflictRule.hasName(review);
        int length = c.objectName().length() + (generated ? 5 : 0);
        if (length <= MAX_KEDA_OBJECT_NAME) {
            return;
        }
        List<FieldPath> paths = new ArrayList<>();
        paths.add(FieldPath.of("metadata", generated ? "generateName" : "name"));
        if (c.kind() == ComponentKind.PREDICTOR && Json.text(c.spec(), "name").filter(n -> !n.isBlank()).isPresent()) {
            paths.add(c.field("name"));
        }
        int spare = length - review.name().length();
        int room = MAX_KEDA_OBJECT_NAME - spare;
        String fix = room >= 1
                ? ". Shorten the InferenceService name to at most " + room + " characters" + (paths.size() > 1 ? " (or shorten spec.predictor.name)" : "")
                : ". Shorten spec.predictor.name: without the InferenceService name the object name still has " + spare + " characters";
        f.add(Action.DENY, Finding.Type.TOO_LONG, paths, c.path(), -1, review.name(), "the " + c.label() + "'s object name \"" + c.objectName()
                + "\"" + (generated ? " (plus 5 generated characters)" : "") + " has " + length + " characters: KServe names its ScaledObject after it and KEDA's HPA \"keda-hpa-"
                + c.objectName() + "\", and KEDA refuses names over 63 characters, so a keda component's object name may have at most "
                + MAX_KEDA_OBJECT_NAME + fix);
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
        if (backend.equals("graphite")) {
            f.deny(Finding.Type.NOT_SUPPORTED, mp.child("backend"), backend, "graphite cannot work here: KEDA's graphite scaler needs "
                    + "queryTime, which KServe never writes into the trigger. Use backend prometheus (e.g. through graphite_exporter), or set "
                    + Annotations.AUTOSCALER_CLASS + ": external and write your own ScaledObject");
        } else if (!backend.equals("prometheus")) {
            f.deny(backend.isEmpty() ? Finding.Type.REQUIRED : Finding.Type.NOT_SUPPORTED, mp.child("backend"), backend, "an External metric needs backend prometheus");
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
        warnValueTarget(Json.object(external, "target").orElse(null), ep.child("target"), f);
        checkAuthentication(Json.object(external, "authenticationRef").orElse(null), ep.child("authenticationRef"), f);
    }

    /** {@code authModes} and the TriggerAuthentication's {@code name} go together: KServe writes the trigger's auth from both. */
    private static void checkAuthentication(ObjectNode auth, FieldPath ap, Findings f) {
        if (auth == null) {
            return;
        }
        Optional<String> modes = Json.text(auth, "authModes").filter(m -> !m.isBlank());
        Optional<String> name = Json.object(auth, "authenticationRef").flatMap(r -> Json.text(r, "name")).filter(n -> !n.isBlank());
        FieldPath modesPath = ap.child("authModes");
        FieldPath namePath = ap.child("authenticationRef").child("name");
        if (modes.isPresent() && name.isEmpty()) {
            f.add(Action.DENY, Finding.Type.REQUIRED, List.of(namePath, modesPath), null, "authModes \"" + modes.get()
                    + "\" needs the TriggerAuthentication that holds the credentials: set authenticationRef.name, or remove authModes");
        } else if (name.isPresent() && modes.isEmpty()) {
            // KEDA's Prometheus scaler without authModes still reads the TriggerAuthentication's pod identity (Azure
            // managed Prometheus, GCP, AWS SigV4): a working setup, so only a warning (docs/decisions.md).
            f.add(Action.WARN, Finding.Type.REQUIRED, List.of(modesPath, namePath), null, "without authModes KEDA reads only the pod "
                    + "identity of TriggerAuthentication \"" + name.get() + "\" (managed Prometheus on Azure, GCP or AWS): for basic, "
                    + "bearer or tls credentials set authModes, or KEDA queries the server without them");
        }
    }

    /** KServe writes no metric type into the trigger: KEDA then compares the value per replica (AverageValue). */
    private static void warnValueTarget(ObjectNode target, FieldPath tp, Findings f) {
        if ("Value".equals(Json.text(target, "type").orElse(""))) {
            f.warn(Finding.Type.NOT_SUPPORTED, tp.child("type"), "Value", "KServe writes no metric type into KEDA's trigger, so KEDA "
                    + "uses AverageValue (the query's value divided by the replicas), not Value: write type AverageValue to say what happens, "
                    + "and keep the number in target.value (KServe reads it from there, not from averageValue)");
        }
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
        Optional<String> query = Json.text(metric, "query").filter(q -> !q.isBlank());
        if (query.isEmpty()) {
            f.deny(Finding.Type.REQUIRED, mp.child("query"), null, "must not be empty: write the query over metricNames, e.g. vllm:num_requests_running");
        } else if (!BARE_METRIC.matcher(query.get().strip()).matches()) {
            f.deny(Finding.Type.INVALID, mp.child("query"), query.get(), "must be a bare metric name, e.g. vllm:num_requests_running: KServe "
                    + "wraps it as sum(<query>{namespace=...,deployment=...}), so sum(...), rate(...) or {...} make a broken query. "
                    + "Choose the aggregation with operationOverTime (last_one, avg, min, max, rate, count)");
        } else if (names != null && !names.isEmpty() && !contains(names, query.get().strip())) {
            f.add(Action.DENY, Finding.Type.INVALID, List.of(mp.child("query"), mp.child("metricNames")), query.get(), "\"" + query.get().strip()
                    + "\" is not in metricNames: the OpenTelemetry collector only forwards the metrics listed there, so KEDA would read "
                    + "nothing. Add it to metricNames or query one of them");
        }
        Optional<String> operation = Json.text(metric, "operationOverTime");
        if (operation.isPresent() && !OPERATIONS.contains(operation.get())) {
            f.deny(Finding.Type.NOT_SUPPORTED, mp.child("operationOverTime"), operation.get(), "\"" + operation.get()
                    + "\" is not an operation of KEDA's OpenTelemetry scaler: use one of " + String.join(", ", OPERATIONS));
        }
        Optional<String> server = Json.text(metric, "serverAddress");
        if (server.isPresent() && !HOST_PORT.matcher(server.get()).matches()) {
            f.deny(Finding.Type.INVALID, mp.child("serverAddress"), server.get(), "must be host:port of the KEDA OpenTelemetry scaler's "
                    + "external-scaler endpoint (gRPC, no scheme), e.g. keda-otel-scaler.keda.svc:4318, not the OTLP receiver's 4317 (or leave it out for KServe's configured one)");
        }
        checkTargetValue(Json.object(podmetric, "target").orElse(null), pp.child("target"), f);
        warnValueTarget(Json.object(podmetric, "target").orElse(null), pp.child("target"), f);
    }

    /** A metric name and nothing else, as KServe's wrapping needs it, e.g. {@code vllm:num_requests_running}. */
    private static final Pattern BARE_METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:.\\-]*");
    /** host:port, IPv6 in brackets, port 1 to 65535, no scheme or path. */
    private static final Pattern HOST_PORT = Pattern.compile(
            "(\\[[0-9a-fA-F:.]+\\]|[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?):([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])");
    /** KEDA's OpenTelemetry scaler's {@code operationOverTime} values. */
    private static final List<String> OPERATIONS = List.of("last_one", "avg", "min", "max", "rate", "count");

    private static boolean contains(ArrayNode names, String name) {
        for (JsonNode n : names) {
            if (n.isTextual() && n.asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static void checkTargetValue(ObjectNode target, FieldPath tp, Findings f) {
        Optional<BigDecimal> value = Quantities.parse(target == null ? null : target.get("value"));
        if (value.isEmpty() || value.get().signum() <= 0) {
            boolean moved = target != null && !target.has("value") && target.has("averageValue");
            f.deny(target == null || !target.has("value") ? Finding.Type.REQUIRED : Finding.Type.INVALID, tp.child("value"), target == null ? null : target.get("value"),
                    "must be a quantity above 0, e.g. \"2\": the value of the query at which KEDA adds a replica"
                            + (moved ? "; KServe reads the threshold from target.value only, whatever the type (averageValue is not read): move it back" : ""));
        }
    }
}
