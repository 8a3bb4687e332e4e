package dev.isvcpolicy.scan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isvcpolicy.admission.TlsTestResource;
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
import org.junit.jupiter.api.Test;

/** RULES.md §8 against the mock API server in CRUD mode with the published CRDs: the scan's PolicyReports follow the cluster. */
@QuarkusTest
@TestProfile(ScannerTest.ScanOn.class)
@WithKubernetesTestServer(crud = true, setup = ScannerTest.Crds.class)
@QuarkusTestResource(TlsTestResource.class)
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

        for (String name : List.of("bad", "good", "legacy-1")) {
            client.genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService").inNamespace(NS).withName(name).delete();
        }
        await("report deleted with the last object", () -> report() == null);
    }
}
