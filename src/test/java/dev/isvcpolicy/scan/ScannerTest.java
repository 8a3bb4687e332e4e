package dev.isvcpolicy.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isvcpolicy.admission.TlsTestResource;
import dev.isvcpolicy.audit.LogCapture;
import dev.isvcpolicy.cluster.ClusterAccess;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** RULES.md §8 against the mock API server in CRUD mode with the published CRDs: the scan's PolicyReports follow the cluster. */
@QuarkusTest
@TestProfile(ScannerTest.ScanOn.class)
@WithKubernetesTestServer(crud = true, setup = ScannerTest.Crds.class)
@QuarkusTestResource(TlsTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScannerTest {

    public static class ScanOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("webhook.cluster.lookups", "true", "webhook.scan.debounce", "200ms");
        }
    }

    /** KServe's InferenceService CRD and the PolicyReport CRD as published. */
    public static class Crds implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            for (String file : List.of("src/test/resources/crds/serving.kserve.io_inferenceservices.yaml",
                    "src/test/resources/reference/reports/wgpolicyk8s.io_policyreports.yaml")) {
                try (InputStream in = Files.newInputStream(Path.of(file))) {
                    server.getClient().apiextensions().v1().customResourceDefinitions().load(in).create();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static final String NS = "team-s";

    @Inject
    KubernetesClient client;

    @Inject
    Scanner scanner;

    @io.quarkus.test.kubernetes.client.KubernetesTestServer
    KubernetesServer mockServer;

    // what a second replica's Scanner is built from
    @Inject
    dev.isvcpolicy.config.WebhookConfig config;
    @Inject
    jakarta.enterprise.inject.Instance<KubernetesClient> clients;
    @Inject
    dev.isvcpolicy.config.PolicyHolder policy;
    @Inject
    dev.isvcpolicy.admission.LiveCluster cluster;
    @Inject
    dev.isvcpolicy.cluster.WorkloadCaches workloads;
    @Inject
    dev.isvcpolicy.cluster.KServeKindCaches kserveKinds;
    @Inject
    dev.isvcpolicy.cluster.PolicyConfigMaps policyConfigMaps;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private double findings(String rule, String action) {
        var g = registry.find("isvc.webhook.scan.findings").tags("rule", rule, "action", action, "namespace", NS).gauge();
        return g == null ? 0 : g.value();
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; report: " + report());
            }
            Thread.sleep(100);
        }
    }

    private void isvc(String name, int scaleTarget) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion("serving.kserve.io/v1beta1");
        r.setKind("InferenceService");
        r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(NS)
                .withAnnotations(Map.of("serving.kserve.io/deploymentMode", "Standard")).build());
        r.setAdditionalProperty("spec", Map.of("predictor", Map.of("scaleMetric", "cpu", "scaleTarget", scaleTarget)));
        client.genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService").inNamespace(NS).resource(r).createOr(x -> x.update());
    }

    private GenericKubernetesResource report() {
        return client.genericKubernetesResources(Reports.Format.POLICY_REPORT.context()).inNamespace(NS).withName(Reports.NAME).get();
    }

    /** The results of the report for one object: result values, e.g. [fail, warn]. */
    private List<String> results(String name) {
        GenericKubernetesResource r = report();
        if (r == null) {
            return List.of();
        }
        return ((List<?>) r.getAdditionalProperties().get("results")).stream().map(x -> (Map<?, ?>) x)
                .filter(x -> name.equals(((Map<?, ?>) ((List<?>) x.get("resources")).get(0)).get("name")))
                .map(x -> x.get("rule") + ":" + x.get("result")).toList();
    }

    @Test
    @Order(1)
    void reportsFollowTheObjectsFixesAndExceptions() throws Exception {
        await("leader", () -> scanner.leader());
        isvc("bad", 101);
        isvc("good", 50);
        await("bad fails scale-target", () -> results("bad").contains("scale-target:fail"));
        await("good reported", () -> !results("good").isEmpty());
        await("findings gauge", () -> findings("scale-target", "deny") == 1);
        assertTrue(registry.find("isvc.webhook.scan.leader").gauge().value() == 1);
        assertTrue(registry.find("isvc.webhook.scan.last.timestamp.seconds").gauge().value() > 0);
        assertTrue(results("good").stream().noneMatch(s -> s.endsWith(":fail")), results("good").toString());

        // The cache keeps every field a rule reads: replica bounds and container resources are judged too.
        GenericKubernetesResource zero = new GenericKubernetesResource();
        zero.setApiVersion("serving.kserve.io/v1beta1");
        zero.setKind("InferenceService");
        zero.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("zero-gpu").withNamespace(NS)
                .withAnnotations(Map.of("serving.kserve.io/deploymentMode", "Standard")).build());
        zero.setAdditionalProperty("spec", Map.of("predictor", Map.of("minReplicas", 0, "scaleMetric", "cpu",
                "model", Map.of("resources", Map.of("requests", Map.of("nvidia.com/gpu", "1")), "storageUri", "gs://b/m"))));
        client.genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService").inNamespace(NS).resource(zero).create();
        await("replica and GPU rules judged on cached objects",
                () -> results("zero-gpu").contains("scale-to-zero:fail") && results("zero-gpu").contains("gpu-resources:fail"));
        client.genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService").inNamespace(NS).withName("zero-gpu").delete();

        isvc("bad", 50);
        await("fix seen", () -> !results("bad").isEmpty() && results("bad").stream().noneMatch(s -> s.equals("scale-target:fail")));

        client.configMaps().inNamespace(ClusterAccess.WEBHOOK_NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("isvc-autoscaling-policy-exceptions").withNamespace(ClusterAccess.WEBHOOK_NAMESPACE).endMetadata()
                .withData(Map.of("team-s-legacy", "{namespace: team-s, name: 'legacy-*', rules: [scale-target], reason: batch jobs}"))
                .build()).createOr(r -> r.update());
        isvc("legacy-1", 101);
        await("exception shows as skip", () -> results("legacy-1").contains("scale-target:skip"));
        await("excepted in the gauge", () -> findings("scale-target", "excepted") == 1 && findings("scale-target", "deny") == 0);

        // An expired exception matches nothing, and the scan says so once, not on every scan (RULES.md §5).
        try (LogCapture log = LogCapture.of(Scanner.class.getName())) {
            client.configMaps().inNamespace(ClusterAccess.WEBHOOK_NAMESPACE).withName("isvc-autoscaling-policy-exceptions")
                    .edit(cm -> new ConfigMapBuilder(cm).addToData("team-s-old",
                            "{namespace: team-s, name: 'old-*', rules: [scale-target], reason: migrated, expires: 2020-01-31}").build());
            isvc("old-1", 101);
            await("expired exception does not except", () -> results("old-1").contains("scale-target:fail"));
            int seen = scanner.scans();
            isvc("old-2", 101);
            await("old-2 judged", () -> results("old-2").contains("scale-target:fail"));
            isvc("old-3", 101);
            await("old-3 judged", () -> results("old-3").contains("scale-target:fail"));
            // A scan is counted right after its reports are written, so the count may trail the report just read.
            await("scans ran after the expiry was said", () -> scanner.scans() >= seen + 2);
            List<String> said = log.lines.stream().filter(l -> l.contains("team-s-old") && l.contains("expired")).toList();
            assertEquals(1, said.size(), "an expired exception is said once: " + said);
            assertTrue(said.get(0).contains("2020-02-01T00:00:00Z"), "a date is valid through that day: " + said);
            assertTrue(log.lines.stream().noneMatch(l -> l.contains("team-s-legacy") && l.contains("expired")), log.lines.toString());
        }

        for (String name : List.of("bad", "good", "legacy-1", "old-1", "old-2", "old-3")) {
            client.genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService").inNamespace(NS).withName(name).delete();
        }
        await("report deleted with the last object", () -> report() == null);
    }

    /**
     * A second replica (a second {@link Scanner} on the same API server, with its own identity) stands by while the
     * first holds the Lease, and takes over when the first stops: it then scans and writes the reports. Runs last:
     * it stops the application's own scanner.
     */
    /**
     * A leader that loses the Lease (another holder took it while this one could not renew, as after an API
     * server outage) stops leading, clears its findings gauge, and takes part again: once the other holder's
     * lease runs out, it leads and scans again.
     */
    @Test
    @Order(2)
    void aLeaderThatLosesTheLeaseTakesPartAgain() throws Exception {
        await("leader", () -> scanner.leader());
        isvc("lost-lease", 101);
        await("reported", () -> results("lost-lease").contains("scale-target:fail"));
        await("in the gauge", () -> findings("scale-target", "deny") >= 1);
        int reelections = scanner.reelections();
        String ns = policyConfigMaps.namespace();
        java.time.ZonedDateTime now = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC);
        client.leases().inNamespace(ns).withName(ClusterAccess.SCAN_LEASE).edit(l -> new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder(l)
                .editSpec().withHolderIdentity("another-replica").withAcquireTime(now).withRenewTime(now).withLeaseDurationSeconds(15).endSpec()
                .build());
        await("the lead is lost", () -> !scanner.leader());
        await("the findings gauge is cleared", () -> registry.find("isvc.webhook.scan.findings").gauges().isEmpty());
        await("it takes part again", () -> scanner.reelections() > reelections);
        int scans = scanner.scans();
        await("it leads again once the other lease runs out", () -> scanner.leader());
        await("and scans", () -> scanner.scans() > scans && findings("scale-target", "deny") >= 1);
        client.genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService").inNamespace(NS).withName("lost-lease").delete();
    }

    @Test
    @Order(3)
    void aSecondReplicaStandsByAndTakesOver() throws Exception {
        await("leader", () -> scanner.leader());
        Scanner second = new Scanner();
        second.config = config;
        second.client = clients;
        second.policy = policy;
        second.cluster = cluster;
        second.workloads = workloads;
        second.kserveKinds = kserveKinds;
        second.policyConfigMaps = policyConfigMaps;
        second.registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        second.start(null);
        try {
            assertNotNull(second.identity());
            assertFalse(second.identity().equals(scanner.identity()), "each replica has its own identity in the Lease");
            await("the second replica sees the first as leader", () -> scanner.identity().equals(second.leaderIdentity()));
            isvc("while-first-leads", 101);
            await("the first replica reports it", () -> results("while-first-leads").contains("scale-target:fail"));
            assertFalse(second.leader());
            assertEquals(0, second.scans(), "a replica that stands by does not scan or write");

            int firstScans = scanner.scans();
            scanner.stop(null); // as on shutdown: the Lease is released
            await("the second replica takes over", second::leader);
            assertFalse(scanner.leader(), "the first replica no longer leads");
            assertEquals(second.identity(), second.leaderIdentity());
            isvc("after-takeover", 101);
            await("the second replica reports it", () -> results("after-takeover").contains("scale-target:fail"));
            // The report is written before the scan counts itself done: wait for the count, not only the report.
            await("the second replica counts its scan", () -> second.scans() > 0);
            assertEquals(firstScans, scanner.scans(), "the stopped replica scanned no more");
            assertEquals(1.0, second.registry.find("isvc.webhook.scan.leader").gauge().value());
        } finally {
            second.stop(null);
            for (String name : List.of("while-first-leads", "after-takeover")) {
                client.genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService").inNamespace(NS).withName(name).delete();
            }
        }
    }

    /**
     * The mock server allows every verb, a cluster only what the Role grants: every request the leader election sent for
     * the Lease must be one ClusterAccess (and so the Role) grants. fabric8 renews with a PATCH: a Role granting
     * {@code update} (a PUT) only made every renewal a 403 on a cluster.
     */
    @Test
    @Order(4)
    void everyLeaseRequestIsOneTheRoleGrants() throws Exception {
        java.util.Set<String> granted = new java.util.HashSet<>(ClusterAccess.LEASE.verbs());
        granted.addAll(ClusterAccess.LEASE_CREATE.verbs());
        Map<String, String> verbOf = Map.of("GET", "get", "PATCH", "patch", "PUT", "update", "POST", "create", "DELETE", "delete");
        java.util.Set<String> sent = new java.util.TreeSet<>();
        var server = mockServer.getKubernetesMockServer();
        for (var r = server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS); r != null;
                r = server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            String path = r.getPath() == null ? "" : r.getPath().replaceAll("\\?.*", "");
            String verb = verbOf.getOrDefault(r.getMethod(), r.getMethod());
            if (path.contains("/leases")) {
                sent.add(verb);
            }
        }
        assertTrue(sent.contains("patch") || sent.contains("update"), "the Lease was renewed: " + sent);
        assertTrue(granted.containsAll(sent), "sent " + sent + ", granted " + granted);
    }
}
