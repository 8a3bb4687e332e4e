package dev.isvcpolicy.cluster;

import static dev.isvcpolicy.cluster.MockCluster.await;
import static dev.isvcpolicy.cluster.MockCluster.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.admission.Reviews;
import dev.isvcpolicy.admission.TlsTestResource;
import dev.isvcpolicy.policy.ClusterView;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API server goes away mid-run: answers stay fast, and fail-closed denies what cannot be checked. */
@QuarkusTest
@TestProfile(ApiServerGoneTest.FailClosed.class)
@WithKubernetesTestServer(crud = true, setup = MockCluster.WithCrds.class)
@QuarkusTestResource(TlsTestResource.class)
class ApiServerGoneTest {

    public static class FailClosed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("webhook.cluster.lookups", "true", "webhook.cluster.unavailable-action", "deny");
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @Inject
    WorkloadCaches caches;

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    private record Timed(JsonNode response, long millis) {
    }

    private Timed post(Object review) {
        long start = System.nanoTime();
        JsonNode r = Reviews.response(Reviews.post(validate.toString(), review));
        return new Timed(r, (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void answersStayFastAndFailClosedOnceTheApiServerIsGone() throws Exception {
        MockCluster.isvc(client, "gone", "metadata: {name: m}\nspec: {predictor: {minReplicas: 1}}\nstatus: {deploymentMode: Standard}\n");
        await("caches synced", () -> caches.scaledObjectsIn("gone").lookup() == ClusterView.Lookup.READY
                && caches.inferenceServicesIn("gone").objects().size() == 1);
        JsonNode isvc = yaml("{metadata: {name: n, annotations: {serving.kserve.io/deploymentMode: Standard}}, spec: {predictor: {minReplicas: 1}}}");
        JsonNode so = yaml("{kind: ScaledObject, metadata: {name: s}, spec: {scaleTargetRef: {name: other-app}}}");
        assertTrue(post(Reviews.isvcReview("CREATE", "gone", isvc, null)).response().path("allowed").asBoolean());

        server.after();
        await("the caches to notice the API server is gone",
                () -> caches.scaledObjectsIn("gone").lookup() == ClusterView.Lookup.UNAVAILABLE
                        && caches.inferenceServicesIn("gone").lookup() == ClusterView.Lookup.UNAVAILABLE);

        Timed denied = post(Reviews.isvcReview("CREATE", "gone", isvc, null));
        assertFalse(denied.response().path("allowed").asBoolean(), denied.response().toString());
        assertEquals(422, denied.response().path("status").path("code").asInt());
        JsonNode cause = denied.response().path("status").path("details").path("causes").get(0);
        assertEquals("metadata.namespace", cause.path("field").asText());
        assertTrue(cause.path("message").asText().contains("the API server cannot be reached"), cause.toString());

        Timed soDenied = post(Reviews.review("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects", "CREATE", "gone", so, null));
        assertFalse(soDenied.response().path("allowed").asBoolean(), soDenied.response().toString());
        assertEquals("spec.scaleTargetRef.name",
                soDenied.response().path("status").path("details").path("causes").get(0).path("field").asText());

        JsonNode external = yaml("""
                {metadata: {name: e, annotations: {serving.kserve.io/deploymentMode: Standard, serving.kserve.io/autoscalerClass: external}},
                 spec: {predictor: {minReplicas: 1}}}""");
        assertTrue(post(Reviews.isvcReview("CREATE", "gone", external, null)).response().path("allowed").asBoolean(),
                "nothing to check, nothing refused");
        System.out.printf("answer times with the API server gone: InferenceService %d ms, ScaledObject %d ms%n",
                denied.millis(), soDenied.millis());
    }
}
