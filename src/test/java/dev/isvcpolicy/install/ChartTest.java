package dev.isvcpolicy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Helm chart, rendered by a real Helm engine: it lints, it renders for its defaults and for each
 * switch, the rendered objects pass the same checks as k8s/ ({@link ManifestsTest}: ports, paths,
 * RBAC against ClusterAccess, the hardened pod), and with default values it installs exactly what k8s/
 * installs, so that the two cannot drift.
 */
class ChartTest {

    /**
     * Kinds being added to one install and not yet to the other (k8s/ gets a NetworkPolicy and a
     * PriorityClass in a parallel change): an object of these kinds may be in only one of them. Take a
     * kind off this list once both have it; then its objects are compared like the rest.
     */
    static final Set<String> PENDING_KINDS = Set.of();

    /** The chart's objects are labelled for Helm too; k8s/'s labels must all be there. */
    static final List<List<String>> LABEL_PATHS = List.of(List.of("metadata", "labels"),
            List.of("spec", "template", "metadata", "labels"));

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void lintPassesStrict() {
        LintResult lint = new Helm(Chart.DIR).lint().strict().call();
        assertFalse(lint.isFailed(), "helm lint --strict: " + lint.getMessages());
        for (String m : lint.getMessages()) {
            assertFalse(m.contains("[ERROR]") || m.contains("[WARNING]"), m);
        }
    }

    /** Each switch of values.yaml, as a values file: lint must pass and template must render with it. */
    static final List<String> SWITCHES = List.of(
            "namespace: {create: true}",
            "certificates: {source: cert-manager}",
            "webhook: {auditOnly: true, extraEnv: [{name: WEBHOOK_CLUSTER_FALLBACK_MODE, value: Standard}]}",
            "webhooks: {mutate: {failurePolicy: Fail, timeoutSeconds: 2, matchConditions: [{name: a, expression: 'true'}]},"
                    + " objectSelector: {matchLabels: {a: b}}, namespaceSelectorExpressions: [{key: k, operator: Exists}]}",
            "replicas: 3\npodDisruptionBudget: {enabled: false}",
            "image: {repository: registry.example/w, tag: '1.0'}\nresources: {limits: {memory: 1Gi}}\npriorityClassName: high",
            "policy: {settings: {webhook.audit-only: 'true'}}",
            "exceptions: {legacy: {namespace: legacy, name: '*', rules: [scale-to-zero], reason: migrating}}",
            "kserve: {namespace: serving, configMapName: isvc-config}",
            "knative: {enabled: false}",
            "serviceMonitor: {enabled: true}\nprometheusRule: {enabled: true}\ndashboards: {enabled: true}",
            "certificates: {source: cert-manager}\nserviceMonitor: {enabled: true, labels: {release: prom}}");

    @ParameterizedTest(name = "lint --strict and template with {0}")
    @org.junit.jupiter.params.provider.FieldSource("SWITCHES")
    void everySwitchLintsAndRenders(String values) {
        LintResult lint = Chart.lint(values);
        assertFalse(lint.isFailed(), values + ": " + lint.getMessages());
        for (String m : lint.getMessages()) {
            assertFalse(m.contains("[ERROR]") || m.contains("[WARNING]"), values + ": " + m);
        }
        Manifests.Rendered r = Chart.template(Map.of(), values);
        // What no switch may change: the hardened pod, and webhooks that always name their fields.
        JsonNode pod = r.one("Deployment").path("spec").path("template").path("spec");
        JsonNode sec = pod.path("containers").get(0).path("securityContext");
        assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), values);
        assertTrue(sec.path("readOnlyRootFilesystem").asBoolean(), values);
        assertFalse(sec.path("allowPrivilegeEscalation").asBoolean(true), values);
        assertEquals(List.of("ALL"), texts(sec.path("capabilities").path("drop")), values);
        for (String kind : List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
            for (JsonNode w : r.one(kind).path("webhooks")) {
                assertEquals("None", w.path("sideEffects").asText(), values);
                assertFalse(w.path("clientConfig").has("caBundle"), values);
            }
        }
        assertTrue(r.ofKind("Secret").isEmpty(), values + ": no Secret, ever");
    }

    /** kind/namespace/name of every object that is not of a pending kind. */
    private static Map<String, ObjectNode> byId(Manifests.Rendered r) {
        Map<String, ObjectNode> out = new TreeMap<>();
        for (ObjectNode d : r.docs()) {
            if (PENDING_KINDS.contains(d.path("kind").asText())) {
                continue;
            }
            String id = d.path("kind").asText() + " " + d.path("metadata").path("namespace").asText() + "/" + d.path("metadata").path("name").asText();
            assertTrue(out.put(id, d) == null, "one " + id);
        }
        return out;
    }

    @ParameterizedTest(name = "{0} and the chart's {1} install the same objects")
    @CsvSource({Manifests.PLAIN + "," + Chart.DEFAULT, Manifests.CERT_MANAGER + "," + Chart.CERT_MANAGER})
    void chartAndK8sDoNotDrift(String folder, String variant) {
        Map<String, ObjectNode> k8s = byId(Manifests.render(folder));
        Map<String, ObjectNode> chart = byId(Manifests.render(variant));
        assertEquals(k8s.keySet(), chart.keySet(), "same kinds and names");
        k8s.forEach((id, expected) -> {
            ObjectNode actual = chart.get(id).deepCopy();
            for (List<String> path : LABEL_PATHS) {
                JsonNode want = at(expected, path);
                JsonNode got = at(actual, path);
                if (want.isMissingNode()) {
                    continue;
                }
                want.fields().forEachRemaining(e -> assertEquals(e.getValue(), got.path(e.getKey()), id + ": label " + e.getKey()));
                ((ObjectNode) got).removeAll();
                ((ObjectNode) got).setAll((ObjectNode) want);
            }
            if (at(expected, List.of("metadata", "labels")).isMissingNode()) {
                ((ObjectNode) actual.path("metadata")).remove("labels");
            }
            assertEquals(expected, actual, id + ": the same object (webhook rules and paths, failurePolicy, RBAC rules, "
                    + "pod and container security context, probes, ports, env, volumes); first difference at "
                    + firstDifference(expected, actual, ""));
        });
    }

    /** The JSON Pointer of the first place where two trees differ, e.g. {@code /spec/template/spec/securityContext/runAsGroup}. */
    static String firstDifference(JsonNode a, JsonNode b, String at) {
        if (a.equals(b)) {
            return null;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                String d = firstDifference(a.path(n), b.path(n), at + "/" + n);
                if (d != null) {
                    return d;
                }
            }
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                String d = firstDifference(a.get(i), b.get(i), at + "/" + i);
                if (d != null) {
                    return d;
                }
            }
        }
        return at + " (k8s/: " + a + ", chart: " + b + ")";
    }

    @Test
    void firstDifferenceNamesThePlace() throws IOException {
        JsonNode a = JSON.readTree("{\"spec\": {\"x\": [1, {\"y\": 2}], \"z\": 3}}");
        JsonNode b = JSON.readTree("{\"spec\": {\"x\": [1, {\"y\": 4}], \"z\": 3}}");
        assertEquals("/spec/x/1/y (k8s/: 2, chart: 4)", firstDifference(a, b, ""));
        assertEquals(null, firstDifference(a, a.deepCopy(), ""));
    }

    private static JsonNode at(JsonNode node, List<String> path) {
        for (String p : path) {
            node = node.path(p);
        }
        return node;
    }

    @ParameterizedTest(name = "{0}: the checks k8s/ passes (webhooks, ports, pod, RBAC)")
    @ValueSource(strings = {Chart.DEFAULT, Chart.CERT_MANAGER})
    void chartPassesTheManifestChecks(String variant) {
        ManifestsTest checks = new ManifestsTest();
        checks.webhooksAgreeWithTheCode(variant);
        checks.portsAndFilesAgreeWithTheConfiguration(variant);
        checks.thePodIsHardenedAndHighlyAvailable(variant);
        checks.rbacCoversEveryApiCallAndNothingMore(variant);
        if (variant.equals(Chart.CERT_MANAGER)) {
            checks.certManagerVariantInjectsTheServingCa(variant);
        }
    }

    @Test
    void defaultValuesMakeNoNamespaceNoSecretAndNoMonitoring() {
        Manifests.Rendered r = Chart.template(Map.of());
        Set<String> kinds = new TreeSet<>();
        r.docs().forEach(d -> kinds.add(d.path("kind").asText()));
        assertEquals(Set.of("ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "Deployment",
                "PodDisruptionBudget", "Service", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "NetworkPolicy",
                "PriorityClass"), kinds,
                "helm install --create-namespace makes the namespace; keys are made on install, never in the chart");
        assertFalse(env(r).containsKey("WEBHOOK_AUDIT_ONLY"));
    }

    private static Map<String, String> env(Manifests.Rendered r) {
        Map<String, String> env = new TreeMap<>();
        r.one("Deployment").path("spec").path("template").path("spec").path("containers").get(0).path("env")
                .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    private static JsonNode webhook(Manifests.Rendered r, String name) {
        for (String kind : List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
            for (JsonNode w : r.one(kind).path("webhooks")) {
                if (w.path("name").asText().startsWith(name + ".")) {
                    return w;
                }
            }
        }
        throw new AssertionError("no webhook " + name);
    }

    @Test
    void auditOnlyIsTheWarnModeSwitch() {
        assertEquals("true", env(Chart.template(Map.of("webhook.auditOnly", "true"))).get("WEBHOOK_AUDIT_ONLY"));
    }

    @Test
    void eachWebhookHasItsOwnFailurePolicyTimeoutAndMatchConditionsAndAllShareTheSelectors() {
        Manifests.Rendered r = Chart.template(Map.of(), """
                webhooks:
                  excludedNamespaces: [kube-system, team-legacy]
                  namespaceSelectorExpressions:
                    - {key: team, operator: Exists}
                  objectSelector: {matchLabels: {policy: isvc}}
                  mutate: {failurePolicy: Fail, timeoutSeconds: 3, matchConditions: []}
                  validate:
                    failurePolicy: Fail
                    timeoutSeconds: 7
                    matchConditions:
                      - {name: not-dry-run-bots, expression: "!request.userInfo.username.startsWith('system:serviceaccount:bots:')"}
                  validateScaledObjects: {failurePolicy: Fail, timeoutSeconds: 2, matchConditions: []}
                """);
        JsonNode mutate = webhook(r, "mutate");
        JsonNode validate = webhook(r, "validate");
        JsonNode scaled = webhook(r, "validate-scaledobjects");
        assertEquals("Fail", mutate.path("failurePolicy").asText());
        assertEquals(3, mutate.path("timeoutSeconds").asInt());
        assertEquals(7, validate.path("timeoutSeconds").asInt());
        assertEquals("Fail", scaled.path("failurePolicy").asText());
        assertEquals(2, scaled.path("timeoutSeconds").asInt());
        assertEquals("not-dry-run-bots", validate.path("matchConditions").get(0).path("name").asText());
        assertFalse(mutate.has("matchConditions"), "no empty matchConditions written");
        for (JsonNode w : List.of(mutate, validate, scaled)) {
            JsonNode expressions = w.path("namespaceSelector").path("matchExpressions");
            assertEquals(3, expressions.size(), w.toString());
            assertEquals(List.of("kube-system", "team-legacy", Chart.NAMESPACE), texts(expressions.get(0).path("values")));
            assertEquals("autoscaling-policy.isvcpolicy.dev/enforce", expressions.get(1).path("key").asText());
            assertEquals("team", expressions.get(2).path("key").asText(), "the values' expressions come after the built-in ones");
            assertEquals("isvc", w.path("objectSelector").path("matchLabels").path("policy").asText());
        }
        assertEquals("kube-system,team-legacy," + Chart.NAMESPACE, env(r).get("WEBHOOK_EXEMPT_NAMESPACES"),
                "the webhook exempts what the selectors exclude");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void replicasDisruptionBudgetResourcesAndImage() {
        Manifests.Rendered r = Chart.template(Map.of("replicas", "3", "podDisruptionBudget.minAvailable", "2",
                "image.repository", "registry.example/isvc-autoscaling-webhook", "image.tag", "0.1.1",
                "resources.limits.memory", "512Mi", "priorityClassName", "system-cluster-critical"));
        JsonNode spec = r.one("Deployment").path("spec");
        assertEquals(3, spec.path("replicas").asInt());
        assertEquals(2, r.one("PodDisruptionBudget").path("spec").path("minAvailable").asInt());
        JsonNode c = spec.path("template").path("spec").path("containers").get(0);
        assertEquals("registry.example/isvc-autoscaling-webhook:0.1.1", c.path("image").asText());
        assertEquals("512Mi", c.path("resources").path("limits").path("memory").asText());
        assertEquals("100m", c.path("resources").path("requests").path("cpu").asText(), "the other resources keep their defaults");
        assertEquals("system-cluster-critical", spec.path("template").path("spec").path("priorityClassName").asText());
        assertEquals(0, r.ofKind("PriorityClass").size(), "a class that exists already is not created again (the install would fail)");
        assertEquals(List.of("isvc-autoscaling-webhook-critical"), Chart.template(Map.of()).ofKind("PriorityClass").stream()
                .map(p -> p.path("metadata").path("name").asText()).toList(), "the chart's own class by default");
        assertTrue(Chart.template(Map.of("podDisruptionBudget.enabled", "false")).ofKind("PodDisruptionBudget").isEmpty());
    }

    @Test
    void withoutKnativeNothingIsInstalledInKnativeServingAndTheWebhookDoesNotWatchIt() {
        Manifests.Rendered with = Chart.template(Map.of());
        assertTrue(with.find("Role", "knative-serving", "isvc-autoscaling-webhook-read-knative-autoscaler-config").isPresent());
        assertFalse(env(with).containsKey("WEBHOOK_CLUSTER_KNATIVE"), "the default: Knative's ConfigMap is watched");
        Manifests.Rendered without = Chart.template(Map.of("knative.enabled", "false"));
        for (String kind : List.of("Role", "RoleBinding")) {
            assertTrue(without.ofKind(kind).stream().noneMatch(o -> o.path("metadata").path("namespace").asText().equals("knative-serving")),
                    kind + " in knative-serving: helm install would fail where that namespace does not exist");
        }
        assertEquals("false", env(without).get("WEBHOOK_CLUSTER_KNATIVE"));
    }

    @Test
    void thePolicySettingsBecomeTheLivePolicyConfigMapInTheShapeTheWebhookReads() {
        Manifests.Rendered r = Chart.template(Map.of(), """
                policy:
                  settings:
                    webhook.rules.gpu-scaling-metric: deny
                    webhook.defaults.min-replicas: 2
                    webhook.audit-only: true
                """);
        ObjectNode cm = r.find("ConfigMap", Chart.NAMESPACE, "isvc-autoscaling-policy").orElseThrow();
        Map<String, String> data = new TreeMap<>();
        cm.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        assertEquals(Map.of("webhook.rules.gpu-scaling-metric", "deny", "webhook.defaults.min-replicas", "2",
                "webhook.audit-only", "true"), data, "one key each, as the live ConfigMap is read (PolicyConfigMaps)");
        dev.isvcpolicy.policy.PolicySettings read = dev.isvcpolicy.policy.PolicySettings.from(data);
        assertTrue(read.auditOnly(), "what the chart writes is what the webhook's live reader accepts");
        assertEquals(2, read.get(dev.isvcpolicy.policy.rules.DefaultMinReplicasRule.MIN_REPLICAS));
        assertEquals(Optional.of(dev.isvcpolicy.policy.Action.DENY), read.actionFor("gpu-scaling-metric"));
        assertFalse(env(r).containsKey("QUARKUS_CONFIG_LOCATIONS"), "the live policy is not a start-up file");
        JsonNode pod = r.one("Deployment").path("spec").path("template");
        assertTrue(pod.path("metadata").path("annotations").path("checksum/policy").isMissingNode(),
                "a policy change needs no new pods: the webhook watches the ConfigMap");
        assertTrue(r.find("ConfigMap", Chart.NAMESPACE, "isvc-autoscaling-policy-exceptions").isEmpty());
        assertTrue(Chart.template(Map.of()).find("ConfigMap", Chart.NAMESPACE, "isvc-autoscaling-policy").isEmpty(),
                "no settings, no ConfigMap: the start-up policy is in force");

        Map<String, String> every = new TreeMap<>();
        for (dev.isvcpolicy.policy.Setting<?> s : dev.isvcpolicy.policy.PolicySettings.catalog()) {
            every.put(s.key(), "x");
        }
        for (String rule : dev.isvcpolicy.policy.RuleRegistry.catalog().keySet()) {
            every.put("webhook.rules." + rule, "x");
        }
        StringBuilder values = new StringBuilder("policy:\n  settings:\n");
        every.keySet().forEach(k -> values.append("    ").append(k).append(": x\n"));
        ObjectNode all = Chart.template(Map.of(), values.toString()).find("ConfigMap", Chart.NAMESPACE, "isvc-autoscaling-policy").orElseThrow();
        assertEquals(every.keySet(), fieldNames(all.path("data")), "every policy key may be set through the chart");
        for (String plumbing : dev.isvcpolicy.config.WebhookConfig.KEYS) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Chart.template(Map.of(), "policy: {settings: {" + plumbing + ": \"1\"}}\n"), plumbing);
            assertTrue(e.getMessage().contains("webhook.extraEnv"), plumbing + ": " + e.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> Chart.template(Map.of(), "policy: {settings: {quarkus.http.port: \"1\"}}\n"),
                "only webhook.* keys");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> out = new TreeSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void exceptionsAreRenderedOneKeyEach() throws IOException {
        Manifests.Rendered r = Chart.template(Map.of(), """
                exceptions:
                  legacy-team: {namespace: legacy, name: "*", rules: [scale-to-zero], reason: "migrating by March", expires: "2027-03-31"}
                """);
        ObjectNode cm = r.find("ConfigMap", Chart.NAMESPACE, "isvc-autoscaling-policy-exceptions").orElseThrow();
        JsonNode e = Manifests.YAML.readTree(cm.path("data").path("legacy-team").asText());
        assertEquals("legacy", e.path("namespace").asText());
        assertEquals(List.of("scale-to-zero"), texts(e.path("rules")));
    }

    /** An exception given as the YAML string the ConfigMap itself holds (docs/rollout.md's form) is written as it is. */
    @Test
    void anExceptionGivenAsTheConfigMapsStringIsWrittenAsItIs() throws IOException {
        Manifests.Rendered r = Chart.template(Map.of(), """
                exceptions:
                  batch: |
                    namespace: team-b
                    name: "*-batch"
                    rules: [scale-to-zero]
                    reason: nightly jobs scale to zero
                """);
        ObjectNode cm = r.find("ConfigMap", Chart.NAMESPACE, "isvc-autoscaling-policy-exceptions").orElseThrow();
        String text = cm.path("data").path("batch").asText();
        JsonNode e = Manifests.YAML.readTree(text);
        assertTrue(e.isObject(), "a mapping, not a string inside a string: " + text);
        assertEquals("team-b", e.path("namespace").asText());
        assertEquals("*-batch", e.path("name").asText());
        assertEquals(List.of("scale-to-zero"), texts(e.path("rules")));
    }

    /** Helm reads a whole number from a values file as a float64; its digits, not 1e+07, reach the ConfigMap. */
    @Test
    void largeWholeNumbersInThePolicyAreWrittenAsDigits() {
        Manifests.Rendered r = Chart.template(Map.of(), """
                policy:
                  settings:
                    webhook.replicas.max-ceiling: 1500000
                    webhook.defaults.min-replicas: 2
                    webhook.rules.scale-to-zero: warn
                """);
        JsonNode data = r.find("ConfigMap", Chart.NAMESPACE, "isvc-autoscaling-policy").orElseThrow().path("data");
        assertEquals("1500000", data.path("webhook.replicas.max-ceiling").asText());
        assertEquals("2", data.path("webhook.defaults.min-replicas").asText());
        assertEquals("warn", data.path("webhook.rules.scale-to-zero").asText());
        JsonNode fromSet = Chart.template(Map.of("policy.settings.webhook\\.replicas\\.max-ceiling", "10000000"))
                .find("ConfigMap", Chart.NAMESPACE, "isvc-autoscaling-policy").orElseThrow().path("data");
        assertEquals("10000000", fromSet.path("webhook.replicas.max-ceiling").asText(), "--set gives an int64: the same digits");
        IllegalStateException tooLarge = assertThrows(IllegalStateException.class, () -> Chart.template(Map.of(),
                "policy: {settings: {webhook.replicas.max-ceiling: 9223372036854775807}}\n"));
        assertTrue(tooLarge.getMessage().contains("too large for Helm to keep exactly: quote it"), tooLarge.getMessage());
    }

    /** A string whose every line is indented alike is the same mapping once written into the block. */
    @Test
    void anExceptionStringIndentedThroughoutKeepsItsShape() throws IOException {
        Manifests.Rendered r = Chart.template(Map.of(), "exceptions:\n  batch: \"  namespace: team-b\\n  name: x\\n  rules: [scale-to-zero]\\n  reason: r\\n\"\n");
        JsonNode e = Manifests.YAML.readTree(r.find("ConfigMap", Chart.NAMESPACE, "isvc-autoscaling-policy-exceptions").orElseThrow()
                .path("data").path("batch").asText());
        assertEquals("team-b", e.path("namespace").asText(), e.toString());
        assertEquals(List.of("scale-to-zero"), texts(e.path("rules")));
    }

    /** A budget as large as the Deployment would block every node drain for good: refused, with what to do. */
    @Test
    void aDisruptionBudgetThatBlocksDrainsIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Chart.template(Map.of("replicas", "1")));
        assertTrue(e.getMessage().contains("would block every node drain"), e.getMessage());
        assertEquals(1, Chart.template(Map.of("replicas", "1", "podDisruptionBudget.enabled", "false")).ofKind("Deployment").size());
    }

    @Test
    void anUnknownCertificateSourceIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Chart.template(Map.of("certificates.source", "vault")));
        assertTrue(e.getMessage().contains("use script or cert-manager"), e.getMessage());
        // helm lint tolerates fail (lint mode), but not a template that cannot render: proof that it reads the merged values.
        LintResult lint = Chart.lint("webhooks: {mutate: null}");
        assertTrue(lint.isFailed(), "lint reads the merged values too: " + lint.getMessages());
    }

    @ParameterizedTest(name = "monitoring with certificates from {0}")
    @ValueSource(strings = {"script", "cert-manager"})
    void monitoringScrapesTheManagementPortAndInstallsTheKit(String source) throws IOException {
        Manifests.Rendered r = Chart.template(Map.of("certificates.source", source, "serviceMonitor.enabled", "true",
                "prometheusRule.enabled", "true", "dashboards.enabled", "true"));
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(Tools.ROOT.resolve("src/main/resources/application.properties"))) {
            props.load(in);
        }
        ObjectNode metrics = r.find("Service", Chart.NAMESPACE, "isvc-autoscaling-webhook-metrics").orElseThrow();
        JsonNode port = metrics.path("spec").path("ports").get(0);
        assertEquals(props.getProperty("quarkus.management.port"), port.path("port").asText());
        assertEquals("management", port.path("targetPort").asText());
        ObjectNode admission = r.find("Service", Chart.NAMESPACE, "isvc-autoscaling-webhook").orElseThrow();
        assertEquals(1, admission.path("spec").path("ports").size(), "the admission Service still exposes only 443");

        ObjectNode sm = r.one("ServiceMonitor");
        sm.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(e ->
                assertEquals(e.getValue(), metrics.path("metadata").path("labels").path(e.getKey()), "selects the metrics Service"));
        assertFalse("metrics".equals(admission.path("metadata").path("labels").path("app.kubernetes.io/component").asText()),
                "and not the admission Service");
        JsonNode endpoint = sm.path("spec").path("endpoints").get(0);
        assertEquals("/q/metrics", endpoint.path("path").asText());
        assertEquals("https", endpoint.path("scheme").asText(), "the management port is HTTPS");
        if (source.equals("cert-manager")) {
            assertEquals("ca.crt", endpoint.path("tlsConfig").path("ca").path("secret").path("key").asText());
            assertFalse(endpoint.path("tlsConfig").has("insecureSkipVerify"));
        } else {
            assertTrue(endpoint.path("tlsConfig").path("insecureSkipVerify").asBoolean());
        }

        JsonNode groups = Manifests.YAML.readTree(Files.readString(Tools.ROOT.resolve("monitoring/alerts.yaml"))).path("groups");
        assertEquals(groups, r.one("PrometheusRule").path("spec").path("groups"), "the PrometheusRule holds monitoring/alerts.yaml");
        ObjectNode dashboard = r.find("ConfigMap", Chart.NAMESPACE, "isvc-autoscaling-webhook-dashboard").orElseThrow();
        assertEquals("1", dashboard.path("metadata").path("labels").path("grafana_dashboard").asText());
        assertEquals(JSON.readTree(Tools.ROOT.resolve("monitoring/dashboard.json").toFile()),
                JSON.readTree(dashboard.path("data").path("isvc-autoscaling-webhook.json").asText()), "the dashboard of monitoring/");
    }

    @ParameterizedTest(name = "charts/.../files/{0} is monitoring/{0}")
    @ValueSource(strings = {"alerts.yaml", "dashboard.json"})
    void theChartCarriesTheMonitoringKitUnchanged(String file) throws IOException {
        assertEquals(Files.readString(Tools.ROOT.resolve("monitoring").resolve(file)), Files.readString(Chart.DIR.resolve("files").resolve(file)),
                "copy monitoring/" + file + " to " + Chart.DIR.resolve("files"));
    }

    @Test
    void versionsAgree() throws IOException {
        Matcher m = Pattern.compile("<artifactId>isvc-autoscaling-webhook</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Tools.ROOT.resolve("pom.xml")));
        assertTrue(m.find());
        String release = m.group(1).replace("-SNAPSHOT", "");
        JsonNode chart = Manifests.YAML.readTree(Chart.DIR.resolve("Chart.yaml").toFile());
        assertEquals(release, chart.path("appVersion").asText(), "appVersion is the webhook's version");
        JsonNode kustomization = Manifests.YAML.readTree(Tools.ROOT.resolve("k8s/kustomization.yaml").toFile());
        assertEquals(release, kustomization.path("images").get(0).path("newTag").asText(), "k8s/ deploys the same version");
    }
}
