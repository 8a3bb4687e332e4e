package dev.isvcpolicy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.admission.Admitted;
import dev.isvcpolicy.admission.Endpoint;
import dev.isvcpolicy.cluster.ClusterAccess;
import dev.isvcpolicy.config.WebhookConfig;
import dev.isvcpolicy.policy.Kind;
import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both install variants, rendered as kubectl would render them, agree with the code: endpoints and their
 * paths, ports, admitted kinds and operations, RBAC against {@link ClusterAccess}, the hardened pod, the
 * webhook fields written out; and {@code kubectl apply --dry-run=client} accepts them.
 */
class ManifestsTest {

    private static final Set<String> READ_VERBS = Set.of("get", "list", "watch");

    private static Properties appProperties() {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Tools.ROOT.resolve("src/main/resources/application.properties"))) {
            p.load(r);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return p;
    }

    private static String configDefault(Class<?> type, String method) {
        try {
            return type.getMethod(method).getAnnotation(WithDefault.class).value();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static ObjectNode container(ObjectNode deployment) {
        JsonNode containers = deployment.path("spec").path("template").path("spec").path("containers");
        assertEquals(1, containers.size(), "one container");
        return (ObjectNode) containers.get(0);
    }

    private static int containerPort(ObjectNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (name.equals(p.path("name").asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + name);
    }

    private static Optional<String> env(ObjectNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return Optional.of(e.path("value").asText());
            }
        }
        return Optional.empty();
    }

    @ParameterizedTest(name = "{0}: kinds in apply order, one namespace")
    @ValueSource(strings = {Manifests.PLAIN, Manifests.CERT_MANAGER})
    void everyPieceIsThere(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        Set<String> kinds = new TreeSet<>();
        r.docs().forEach(d -> kinds.add(d.path("kind").asText()));
        Set<String> expected = new TreeSet<>(Set.of("Namespace", "ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "Deployment",
                "PodDisruptionBudget", "Service", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "NetworkPolicy",
                "PriorityClass"));
        if (variant.equals(Manifests.CERT_MANAGER)) {
            expected.addAll(Set.of("Issuer", "Certificate"));
        }
        assertEquals(expected, kinds, r.renderer());
        assertTrue(r.ofKind("Secret").isEmpty(), "no Secret in the manifests: keys are made on install, never committed");
        String ns = r.one("Namespace").path("metadata").path("name").asText();
        assertEquals("restricted", r.one("Namespace").path("metadata").path("labels").path("pod-security.kubernetes.io/enforce").asText());
        for (String kind : List.of("ServiceAccount", "Deployment", "PodDisruptionBudget", "Service", "NetworkPolicy")) {
            assertEquals(ns, r.one(kind).path("metadata").path("namespace").asText(), kind + " in the webhook's namespace");
        }
    }

    @ParameterizedTest(name = "{0}: webhooks match Admitted, Endpoint and the Service, every field written out")
    @ValueSource(strings = {Manifests.PLAIN, Manifests.CERT_MANAGER})
    void webhooksAgreeWithTheCode(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        ObjectNode service = r.one("Service");
        String ns = r.one("Namespace").path("metadata").path("name").asText();
        String svcName = service.path("metadata").path("name").asText();
        JsonNode svcPort = service.path("spec").path("ports");
        assertEquals(1, svcPort.size(), "the Service exposes the admission port only");
        int port = svcPort.get(0).path("port").asInt();
        assertEquals(443, port);

        for (Endpoint endpoint : Endpoint.values()) {
            String kind = endpoint == Endpoint.MUTATE ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration";
            ObjectNode config = r.one(kind);
            List<String> registered = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (JsonNode w : config.path("webhooks")) {
                String where = kind + " " + w.path("name").asText();
                assertTrue(names.add(w.path("name").asText()), "unique webhook names");
                assertTrue(w.path("name").asText().split("\\.").length >= 3, where + ": a fully qualified name");
                JsonNode svc = w.path("clientConfig").path("service");
                assertEquals(svcName, svc.path("name").asText(), where);
                assertEquals(ns, svc.path("namespace").asText(), where);
                assertEquals(port, svc.path("port").asInt(), where);
                assertEquals(Admitted.path(endpoint), svc.path("path").asText(), where);
                assertFalse(w.path("clientConfig").has("url"), where + ": through the Service");
                assertFalse(w.path("clientConfig").has("caBundle"), where + ": caBundle is injected, never in the manifests");

                assertTrue(Set.of("Fail", "Ignore").contains(w.path("failurePolicy").asText()), where + ": failurePolicy");
                assertEquals("None", w.path("sideEffects").asText(), where);
                int timeout = w.path("timeoutSeconds").asInt(-1);
                assertTrue(timeout >= 1 && timeout <= 10, where + ": timeoutSeconds written out, 1-10");
                assertEquals(List.of("v1"), texts(w.path("admissionReviewVersions")), where);
                assertEquals("Equivalent", w.path("matchPolicy").asText(), where);
                if (endpoint == Endpoint.MUTATE) {
                    assertEquals("IfNeeded", w.path("reinvocationPolicy").asText(), where);
                }
                Set<String> excluded = new HashSet<>();
                for (JsonNode e : w.path("namespaceSelector").path("matchExpressions")) {
                    if (e.path("key").asText().equals("kubernetes.io/metadata.name") && e.path("operator").asText().equals("NotIn")) {
                        excluded.addAll(texts(e.path("values")));
                    }
                }
                assertTrue(excluded.containsAll(Set.of("kube-system", ns)), where + ": excludes kube-system and " + ns + ": " + excluded);
                boolean offExcluded = false;
                for (JsonNode e : w.path("namespaceSelector").path("matchExpressions")) {
                    offExcluded |= e.path("key").asText().equals(dev.isvcpolicy.policy.Enforcement.LABEL) && e.path("operator").asText().equals("NotIn")
                            && texts(e.path("values")).equals(List.of(dev.isvcpolicy.policy.Enforcement.OFF.label()));
                }
                assertTrue(offExcluded, where + ": namespaceSelector excludes namespaces labelled " + dev.isvcpolicy.policy.Enforcement.LABEL + ": off");

                for (JsonNode rule : w.path("rules")) {
                    assertEquals("Namespaced", rule.path("scope").asText(), where);
                    assertEquals(Admitted.OPERATIONS, texts(rule.path("operations")), where + ": operations");
                    for (String g : texts(rule.path("apiGroups"))) {
                        for (String v : texts(rule.path("apiVersions"))) {
                            for (String res : texts(rule.path("resources"))) {
                                registered.add(g + "/" + v + "/" + res + " " + w.path("failurePolicy").asText());
                            }
                        }
                    }
                }
            }
            List<String> expected = new ArrayList<>();
            for (Kind res : Admitted.resources(endpoint)) {
                for (String version : res.versions()) {
                    expected.add(res.group() + "/" + version + "/" + res.resource() + " " + failurePolicy(endpoint, res));
                }
            }
            assertEquals(expected.stream().sorted().toList(), registered.stream().sorted().toList(),
                    kind + ": resources and failurePolicy per resource");
        }
    }

    /**
     * The failure policy each kind is registered with (docs/kinds.md): /mutate is a convenience (Ignore); KServe's own kinds
     * fail closed on /validate; KEDA's kinds (ScaledObject, HTTPScaledObject) fail open, since every KEDA user goes through them.
     */
    static String failurePolicy(Endpoint endpoint, Kind kind) {
        if (endpoint == Endpoint.MUTATE) {
            return "Ignore";
        }
        return switch (kind) {
            case INFERENCE_SERVICE, INFERENCE_GRAPH, LLM_INFERENCE_SERVICE -> "Fail";
            case SCALED_OBJECT, HTTP_SCALED_OBJECT -> "Ignore";
        };
    }

    @ParameterizedTest(name = "{0}: Service, ports, probes and TLS files agree with application.properties and WebhookConfig")
    @ValueSource(strings = {Manifests.PLAIN, Manifests.CERT_MANAGER})
    void portsAndFilesAgreeWithTheConfiguration(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        Properties props = appProperties();
        ObjectNode deployment = r.one("Deployment");
        ObjectNode c = container(deployment);
        JsonNode svcPort = r.one("Service").path("spec").path("ports").get(0);
        String target = svcPort.path("targetPort").asText();
        assertEquals(Integer.parseInt(props.getProperty("quarkus.http.ssl-port")), containerPort(c, target),
                "Service 443 -> the HTTPS port");
        assertEquals("disabled", props.getProperty("quarkus.http.insecure-requests"), "no plain HTTP on the admission port");
        int management = Integer.parseInt(props.getProperty("quarkus.management.port"));
        assertEquals(management, containerPort(c, "management"));
        assertEquals(2, c.path("ports").size(), "admission and management ports only");
        Map<String, String> probes = Map.of("startupProbe", "/q/health/started", "readinessProbe", "/q/health/ready",
                "livenessProbe", "/q/health/live");
        probes.forEach((probe, path) -> {
            JsonNode get = c.path(probe).path("httpGet");
            assertEquals(path, get.path("path").asText(), probe);
            assertEquals("management", get.path("port").asText(), probe + " on the management port");
            assertEquals("HTTPS", get.path("scheme").asText(), probe + ": the management port is HTTPS (PortsTest)");
        });

        String certFile = env(c, "WEBHOOK_TLS_CERT_FILE").orElse(configDefault(WebhookConfig.Tls.class, "certFile"));
        String keyFile = env(c, "WEBHOOK_TLS_KEY_FILE").orElse(configDefault(WebhookConfig.Tls.class, "keyFile"));
        // In a cluster both ports serve the TLS configuration whose key store reads these files (FileKeyStoreProvider).
        assertEquals(dev.isvcpolicy.tls.FileKeyStoreProvider.NAME, props.getProperty("%prod.quarkus.http.tls-configuration-name"));
        assertEquals(dev.isvcpolicy.tls.FileKeyStoreProvider.NAME, props.getProperty("%prod.quarkus.management.tls-configuration-name"));
        assertEquals("TLSv1.3,TLSv1.2", props.getProperty("%prod.quarkus.tls." + dev.isvcpolicy.tls.FileKeyStoreProvider.NAME + ".protocols"));
        assertTrue(props.stringPropertyNames().stream()
                        .filter(k -> !k.startsWith("%") || k.startsWith("%prod."))
                        .noneMatch(k -> k.contains("quarkus.tls.") && k.contains("key-store")),
                "no key store configured besides the provider's in prod: " + props.stringPropertyNames());
        String dir = Path.of(certFile).getParent().toString();
        assertEquals(dir, Path.of(keyFile).getParent().toString());
        JsonNode spec = deployment.path("spec").path("template").path("spec");
        String volume = null;
        for (JsonNode m : c.path("volumeMounts")) {
            if (dir.equals(m.path("mountPath").asText())) {
                volume = m.path("name").asText();
                assertTrue(m.path("readOnly").asBoolean(), "TLS mount read-only");
            }
        }
        assertTrue(volume != null, "the TLS Secret is mounted at " + dir);
        String secret = null;
        for (JsonNode v : spec.path("volumes")) {
            if (v.path("name").asText().equals(volume)) {
                secret = v.path("secret").path("secretName").asText();
            }
        }
        String svcName = r.one("Service").path("metadata").path("name").asText();
        assertEquals(svcName + "-tls", secret, "the Secret certs/make-certs.sh writes (<service>-tls)");

        List<String> exempt = List.of(env(c, "WEBHOOK_EXEMPT_NAMESPACES")
                .orElse(dev.isvcpolicy.policy.PolicySettings.EXEMPT_NAMESPACES.defaultText().orElseThrow()).split(","));
        String ns = r.one("Namespace").path("metadata").path("name").asText();
        assertTrue(exempt.containsAll(List.of("kube-system", ns)), "the webhook also exempts what the selector excludes: " + exempt);
    }

    @ParameterizedTest(name = "{0}: two replicas, PDB, spread, hardened pod, ServiceAccount mounted")
    @ValueSource(strings = {Manifests.PLAIN, Manifests.CERT_MANAGER})
    void thePodIsHardenedAndHighlyAvailable(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        ObjectNode deployment = r.one("Deployment");
        JsonNode spec = deployment.path("spec");
        assertEquals(2, spec.path("replicas").asInt());
        assertEquals(0, spec.path("strategy").path("rollingUpdate").path("maxUnavailable").asInt(-1), "a rollout never drops below two");
        JsonNode labels = spec.path("template").path("metadata").path("labels");
        spec.path("selector").path("matchLabels").fields().forEachRemaining(e ->
                assertEquals(e.getValue(), labels.path(e.getKey()), "the pod template carries the selector's labels"));

        ObjectNode pdb = r.one("PodDisruptionBudget");
        assertEquals(spec.path("selector").path("matchLabels"), pdb.path("spec").path("selector").path("matchLabels"), "PDB selects the pods");
        assertEquals(1, pdb.path("spec").path("minAvailable").asInt(), "a drain keeps one replica");

        JsonNode pod = spec.path("template").path("spec");
        boolean byHost = false;
        for (JsonNode t : pod.path("topologySpreadConstraints")) {
            if (t.path("topologyKey").asText().equals("kubernetes.io/hostname")) {
                byHost = true;
                assertEquals(spec.path("selector").path("matchLabels"), t.path("labelSelector").path("matchLabels"));
                assertEquals(1, t.path("maxSkew").asInt());
                // hard where the node count allows: one node is one domain (skew 0); no minDomains, which
                // would hold the second replica Pending on a one-node cluster; cordoned nodes not counted
                assertEquals("DoNotSchedule", t.path("whenUnsatisfiable").asText(), "replicas never share a node while another has none");
                assertFalse(t.has("minDomains"), "a one-node cluster still runs both replicas");
                assertEquals("Honor", t.path("nodeTaintsPolicy").asText(), "a drained (cordoned) node does not hold the replacement Pending");
            } else {
                assertEquals("ScheduleAnyway", t.path("whenUnsatisfiable").asText(), t.path("topologyKey").asText()
                        + ": only the hostname label is on every node; a hard constraint on another key skips unlabelled nodes");
            }
        }
        assertTrue(byHost, "spread across nodes");
        ObjectNode priority = r.one("PriorityClass");
        assertEquals(priority.path("metadata").path("name").asText(), pod.path("priorityClassName").asText(), "the pods use the PriorityClass");
        assertTrue(priority.path("value").asLong() > 0 && priority.path("value").asLong() <= 1_000_000_000L,
                "above ordinary pods, within the range of user classes: " + priority.path("value"));
        assertFalse(priority.path("globalDefault").asBoolean(false), "not every pod's default");

        assertEquals(r.one("ServiceAccount").path("metadata").path("name").asText(), pod.path("serviceAccountName").asText());
        assertTrue(pod.path("automountServiceAccountToken").asBoolean(true), "the informer needs the ServiceAccount token");
        assertTrue(r.one("ServiceAccount").path("automountServiceAccountToken").asBoolean(true));

        JsonNode podSec = pod.path("securityContext");
        assertTrue(podSec.path("runAsNonRoot").asBoolean());
        assertTrue(podSec.path("runAsUser").asInt(0) > 0, "a numeric non-root user");
        assertEquals("RuntimeDefault", podSec.path("seccompProfile").path("type").asText());
        ObjectNode c = container(deployment);
        JsonNode sec = c.path("securityContext");
        assertTrue(sec.path("readOnlyRootFilesystem").asBoolean());
        assertFalse(sec.path("allowPrivilegeEscalation").asBoolean(true));
        assertFalse(sec.path("privileged").asBoolean(false));
        assertEquals(List.of("ALL"), texts(sec.path("capabilities").path("drop")));
        assertFalse(sec.path("capabilities").has("add"));
        for (String kind : List.of("requests", "limits")) {
            for (String res : List.of("cpu", "memory")) {
                assertFalse(c.path("resources").path(kind).path(res).asText().isEmpty(), kind + "." + res);
            }
        }
        assertFalse(pod.path("hostNetwork").asBoolean(false));
        assertTrue(pod.path("terminationGracePeriodSeconds").asInt() >= 25, "room for the shutdown delay and drain");
    }

    @ParameterizedTest(name = "{0}: NetworkPolicy opens the admission port to all, the management port to scraping namespaces")
    @ValueSource(strings = {Manifests.PLAIN, Manifests.CERT_MANAGER})
    void theNetworkPolicyOpensOnlyWhatIsNeeded(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        ObjectNode deployment = r.one("Deployment");
        ObjectNode policy = r.one("NetworkPolicy");
        JsonNode spec = policy.path("spec");
        assertEquals(deployment.path("spec").path("selector").path("matchLabels"), spec.path("podSelector").path("matchLabels"),
                "it selects the webhook's pods");
        assertEquals(List.of("Ingress"), texts(spec.path("policyTypes")), "ingress only: the informers reach the API server freely");
        Map<String, Integer> ports = new java.util.HashMap<>();
        for (JsonNode p : container(deployment).path("ports")) {
            ports.put(p.path("name").asText(), p.path("containerPort").asInt());
        }
        int admission = ports.get("https");
        int management = ports.get("management");
        assertEquals(2, spec.path("ingress").size(), spec.toString());
        boolean admissionOpen = false;
        boolean managementScoped = false;
        for (JsonNode rule : spec.path("ingress")) {
            List<Integer> rulePorts = new ArrayList<>();
            rule.path("ports").forEach(p -> rulePorts.add(p.path("port").asInt()));
            if (rulePorts.equals(List.of(admission))) {
                admissionOpen = !rule.has("from");
            } else if (rulePorts.equals(List.of(management))) {
                JsonNode from = rule.path("from");
                managementScoped = from.size() == 1 && from.get(0).path("namespaceSelector").path("matchLabels")
                        .path("autoscaling-policy.isvcpolicy.dev/scrape").asText().equals("true") && !from.get(0).has("podSelector")
                        && !from.get(0).has("ipBlock");
            } else {
                throw new AssertionError("a rule for other ports: " + rule);
            }
        }
        assertTrue(admissionOpen, "the API server (not selectable) reaches the admission port " + admission);
        assertTrue(managementScoped, "the management port " + management + " only from namespaces labelled for scraping");
    }

    @ParameterizedTest(name = "{0}: RBAC grants what ClusterAccess lists, read-only, nothing more")
    @ValueSource(strings = {Manifests.PLAIN, Manifests.CERT_MANAGER})
    void rbacCoversEveryApiCallAndNothingMore(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        ObjectNode sa = r.one("ServiceAccount");
        String saName = sa.path("metadata").path("name").asText();
        String saNs = sa.path("metadata").path("namespace").asText();

        record Grant(String apiGroup, String resource, String verb, String namespace, String resourceName) {
        }
        List<Grant> grants = new ArrayList<>();
        for (String bindingKind : List.of("RoleBinding", "ClusterRoleBinding")) {
            for (ObjectNode b : r.ofKind(bindingKind)) {
                boolean toUs = false;
                for (JsonNode s : b.path("subjects")) {
                    toUs |= s.path("kind").asText().equals("ServiceAccount") && s.path("name").asText().equals(saName)
                            && s.path("namespace").asText().equals(saNs);
                }
                if (!toUs) {
                    continue;
                }
                String ns = bindingKind.equals("RoleBinding") ? b.path("metadata").path("namespace").asText() : null;
                String roleKind = b.path("roleRef").path("kind").asText();
                String roleName = b.path("roleRef").path("name").asText();
                ObjectNode role = r.find(roleKind, roleKind.equals("Role") ? ns : null, roleName)
                        .orElseThrow(() -> new AssertionError(bindingKind + " refers to a missing " + roleKind + " " + roleName));
                for (JsonNode rule : role.path("rules")) {
                    assertFalse(rule.has("nonResourceURLs"), "no non-resource URLs");
                    List<String> names = rule.has("resourceNames") ? texts(rule.path("resourceNames")) : java.util.Collections.singletonList(null);
                    for (String g : texts(rule.path("apiGroups"))) {
                        for (String res : texts(rule.path("resources"))) {
                            for (String verb : texts(rule.path("verbs"))) {
                                for (String name : names) {
                                    grants.add(new Grant(g, res, verb, ns, name));
                                }
                            }
                        }
                    }
                }
            }
        }
        for (Grant g : grants) {
            assertTrue(READ_VERBS.contains(g.verb()) || Set.of("policyreports", "reports", "leases").contains(g.resource()),
                    "only get/list/watch, but for the scan's reports and Lease: " + g);
            assertFalse(Stream.of(g.apiGroup(), g.resource(), g.verb()).anyMatch("*"::equals), "no wildcards: " + g);
        }
        Set<Grant> needed = new HashSet<>();
        for (ClusterAccess.Access a : ClusterAccess.ALL) {
            for (String verb : a.verbs()) {
                Grant want = new Grant(a.apiGroup(), a.resource(), verb, a.namespace(), a.resourceName());
                needed.add(want);
                boolean covered = grants.stream().anyMatch(g -> g.apiGroup().equals(want.apiGroup())
                        && g.resource().equals(want.resource()) && g.verb().equals(verb)
                        && (g.namespace() == null || g.namespace().equals(want.namespace()))
                        && (g.resourceName() == null || g.resourceName().equals(want.resourceName())));
                assertTrue(covered, "RBAC grants " + want + " (from ClusterAccess)");
            }
        }
        assertEquals(needed, new HashSet<>(grants), "nothing beyond ClusterAccess");
        Set<String> roleNames = new HashSet<>();
        r.ofKind("Role").forEach(x -> roleNames.add(x.path("metadata").path("name").asText()));
        r.ofKind("ClusterRole").forEach(x -> roleNames.add(x.path("metadata").path("name").asText()));
        assertEquals(roleNames.size(), r.ofKind("RoleBinding").size() + r.ofKind("ClusterRoleBinding").size(),
                "every Role is bound, once");
    }

    @ParameterizedTest(name = "cert-manager: the Certificate behind inject-ca-from serves the Service's names into the mounted Secret")
    @ValueSource(strings = {Manifests.CERT_MANAGER})
    void certManagerVariantInjectsTheServingCa(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        String svc = r.one("Service").path("metadata").path("name").asText();
        String ns = r.one("Service").path("metadata").path("namespace").asText();
        for (String kind : List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
            String from = r.one(kind).path("metadata").path("annotations").path("cert-manager.io/inject-ca-from").asText();
            String[] p = from.split("/");
            assertEquals(2, p.length, kind + ": inject-ca-from is <namespace>/<certificate>");
            ObjectNode cert = r.find("Certificate", p[0], p[1]).orElseThrow(() -> new AssertionError(kind + ": no Certificate " + from));
            assertEquals(svc + "-tls", cert.path("spec").path("secretName").asText(), "the Secret the Deployment mounts");
            assertEquals(Set.of(svc + "." + ns + ".svc", svc + "." + ns + ".svc.cluster.local"),
                    new HashSet<>(texts(cert.path("spec").path("dnsNames"))));
            assertTrue(texts(cert.path("spec").path("usages")).contains("server auth"));
            String issuer = cert.path("spec").path("issuerRef").path("name").asText();
            assertTrue(r.find("Issuer", p[0], issuer).isPresent(), "its Issuer is in the overlay");
        }
    }

    @ParameterizedTest(name = "{0}: kubectl apply --dry-run=client --validate=false accepts every object")
    @ValueSource(strings = {Manifests.PLAIN, Manifests.CERT_MANAGER})
    void kubectlDryRunAcceptsTheManifests(String variant) throws Exception {
        Optional<Path> kubectl = Tools.kubectl();
        Manifests.Rendered r = Manifests.render(variant);
        if (kubectl.isEmpty()) {
            // No kubectl here (CI installs none it cannot get from Debian in a usable version): the
            // rendered YAML was still parsed and checked by the tests above.
            System.out.println("kubectl with kustomize v4+ not on the PATH: skipping the dry-run of " + variant);
            assertFalse(r.docs().isEmpty());
            return;
        }
        try (DiscoveryOnlyApiServer api = new DiscoveryOnlyApiServer()) {
            Path kubeconfig = Files.createTempFile("kubeconfig", ".yaml");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: test, cluster: {server: "%s"}}]
                    contexts: [{name: test, context: {cluster: test, user: test}}]
                    users: [{name: test, user: {}}]
                    current-context: test
                    """.formatted(api.url()));
            Path home = Files.createTempDirectory("kubectl-home");
            Tools.Result res = Tools.run(List.of(kubectl.get().toString(), "apply", "--dry-run=client", "--validate=false",
                    "-k", variant), Map.of("KUBECONFIG", kubeconfig.toString(), "HOME", home.toString()), null);
            res.ok("kubectl apply --dry-run=client -k " + variant);
            List<String> lines = res.out().lines().filter(l -> !l.isBlank()).toList();
            assertEquals(r.docs().size(), lines.size(), "one line per object:\n" + res.out());
            for (String line : lines) {
                if (!line.endsWith(" created (dry run)")) {
                    fail("kubectl did not accept: " + line);
                }
            }
            Files.deleteIfExists(kubeconfig);
        }
    }
}
