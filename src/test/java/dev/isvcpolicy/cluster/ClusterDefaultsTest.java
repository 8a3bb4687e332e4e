package dev.isvcpolicy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.admission.Reviews;
import dev.isvcpolicy.admission.TlsTestResource;
import dev.isvcpolicy.policy.DeploymentMode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The cluster default deployment mode follows KServe's ConfigMap through the informer, with no request-time calls. */
@QuarkusTest
@TestProfile(ClusterDefaultsTest.LookupsOn.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(TlsTestResource.class)
class ClusterDefaultsTest {

    public static class LookupsOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("webhook.cluster.lookups", "true");
        }
    }

    @Inject
    KubernetesClient client;

    @Inject
    ClusterDefaults defaults;

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    private static final String KEDA_ISVC = """
            {"metadata": {"name": "k", "annotations": {"serving.kserve.io/autoscalerClass": "keda"}},
             "spec": {"predictor": {"minReplicas": 1, "autoScaling": {"metrics": [{"type": "Resource",
               "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]}}}}
            """;

    private void deploy(String mode) {
        client.configMaps().inNamespace("kserve").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("inferenceservice-config").withNamespace("kserve").endMetadata()
                .addToData("deploy", "{\n  \"defaultDeploymentMode\": \"" + mode + "\"\n}")
                .addToData("other", "{}")
                .build()).createOr(r -> r.update());
    }

    private static <T> T await(Supplier<T> value, T expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        T last = value.get();
        while (!expected.equals(last) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            last = value.get();
        }
        return last;
    }

    private JsonNode mutateKeda() throws Exception {
        return Reviews.response(Reviews.post(mutate.toString(), Reviews.isvcReview("CREATE", "default", Reviews.JSON.readTree(KEDA_ISVC), null)));
    }

    @Test
    void followsTheConfigMapAsItIsCreatedChangedAndDeleted() throws Exception {
        assertTrue(await(() -> defaults.state().synced(), true), "informer synced");

        deploy("RawDeployment");
        assertEquals(Optional.of(DeploymentMode.STANDARD), await(defaults::defaultMode, Optional.of(DeploymentMode.STANDARD)));
        assertEquals(0, Reviews.patch(mutateKeda()).size(), "a Standard cluster needs no mode annotation for keda");

        deploy("Serverless");
        assertEquals(Optional.of(DeploymentMode.KNATIVE), await(defaults::defaultMode, Optional.of(DeploymentMode.KNATIVE)));
        JsonNode patch = Reviews.patch(mutateKeda());
        assertEquals("/metadata/annotations/serving.kserve.io~1deploymentMode", patch.get(0).path("path").asText(), patch.toString());
        assertEquals("Standard", patch.get(0).path("value").asText());

        client.configMaps().inNamespace("kserve").withName("inferenceservice-config").delete();
        assertEquals(Optional.empty(), await(defaults::defaultMode, Optional.empty()));
        assertFalse(Reviews.patch(mutateKeda()).isEmpty(), "fallback Knative: keda still gets pinned to Standard");
    }

    @Test
    void anUnparseableOrUnknownModeFallsBack() {
        assertEquals(Optional.empty(), ClusterDefaults.parse(new ConfigMapBuilder().addToData("deploy", "{not json").build()).mode());
        assertEquals(Optional.empty(), ClusterDefaults.parse(new ConfigMapBuilder().addToData("deploy", "{\"defaultDeploymentMode\": \"Fancy\"}").build()).mode());
        assertEquals(Optional.empty(), ClusterDefaults.parse(new ConfigMapBuilder().addToData("other", "x").build()).mode());
        assertEquals(Optional.of(DeploymentMode.STANDARD),
                ClusterDefaults.parse(new ConfigMapBuilder().addToData("deploy", "{\"defaultDeploymentMode\": \"Standard\", \"x\": 1}").build()).mode());
    }

    /** KServe reads the key with Go's json.Unmarshal: any letter case, the last non-null one winning. */
    @Test
    void theKeyIsReadInAnyLetterCaseAsKServeReadsIt() {
        assertEquals(Optional.of(DeploymentMode.STANDARD),
                ClusterDefaults.parse(new ConfigMapBuilder().addToData("deploy", "{\"DefaultDeploymentMode\": \"RawDeployment\"}").build()).mode());
        assertEquals(Optional.of(DeploymentMode.STANDARD),
                ClusterDefaults.parse(new ConfigMapBuilder().addToData("deploy", "{\"defaultdeploymentmode\": \"Standard\"}").build()).mode());
        assertEquals(Optional.of(DeploymentMode.KNATIVE), ClusterDefaults.parse(new ConfigMapBuilder().addToData("deploy",
                "{\"defaultDeploymentMode\": \"Standard\", \"DEFAULTDEPLOYMENTMODE\": \"Serverless\", \"defaultDeploymentMode \": \"x\"}").build()).mode());
        assertEquals(Optional.of(DeploymentMode.STANDARD), ClusterDefaults.parse(new ConfigMapBuilder().addToData("deploy",
                "{\"defaultDeploymentMode\": \"Standard\", \"DefaultDeploymentMode\": null}").build()).mode());
        assertEquals(Optional.of(DeploymentMode.STANDARD), ClusterDefaults.parse(new ConfigMapBuilder().addToData("deploy",
                "{\"defaultDeploymentMode\": \"Knative\", \"DefaultDeploymentMode\": \"Knative\", \"defaultDeploymentMode\": \"RawDeployment\"}")
                .build()).mode(), "the last in the document, though a tree would put the repeated key first");
        assertEquals(Optional.of(DeploymentMode.STANDARD), ClusterDefaults.parse(new ConfigMapBuilder().addToData("deploy",
                "{\"defaultDeploymentMode\": \"Standard\", \"defaultDeploymentMode\": null}").build()).mode(), "null leaves it");
    }
}
