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
import dev.isvcpolicy.policy.Kind;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * A cluster with KEDA but without the InferenceGraph, LLMInferenceService and HTTPScaledObject CRDs: nothing is compared
 * with them; each CRD installed later is found (at once when an object of its kind reaches /validate, else on the next
 * periodic look) and its informer started.
 */
@QuarkusTest
@TestProfile(ClusterDefaultsTest.LookupsOn.class)
@WithKubernetesTestServer(crud = true, setup = MockCluster.WithCrds.class)
@QuarkusTestResource(TlsTestResource.class)
class KServeKindCrdLaterTest {

    @Inject
    KubernetesClient client;

    @Inject
    KServeKindCaches kinds;

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    private JsonNode validate(Kind kind, String namespace, String yamlObject) {
        return Reviews.response(Reviews.post(validate.toString(),
                Reviews.review(kind.group(), kind.version(), kind.kind(), kind.resource(), "CREATE", namespace, yaml(yamlObject), null)));
    }

    private static final String SO_ON_G = "{apiVersion: keda.sh/v1alpha1, kind: ScaledObject, metadata: {name: s}, spec: {scaleTargetRef: {name: g}}}";

    @Test
    void crdsInstalledAfterStartAreFoundAndWatched() throws Exception {
        for (Kind k : KServeKindCaches.KINDS) {
            await(k.kind() + " CRD looked up", () -> kinds.objectsIn(k, "late").lookup() == ClusterView.Lookup.ABSENT);
        }
        JsonNode before = validate(Kind.SCALED_OBJECT, "late", SO_ON_G);
        assertTrue(before.path("allowed").asBoolean(), before.toString());
        assertFalse(before.path("warnings").toString().contains("InferenceGraph"), "no graphs, nothing skipped to warn of: " + before);

        // The InferenceGraph CRD appears; an InferenceGraph at /validate makes the webhook look again.
        MockCluster.installReferenceCrd(client, MockCluster.REFERENCE_CRDS.get(0));
        JsonNode first = validate(Kind.INFERENCE_GRAPH, "late", "{apiVersion: serving.kserve.io/v1alpha1, kind: InferenceGraph, metadata: {name: other}, spec: {minReplicas: 1}}");
        assertTrue(first.has("allowed"), first.toString());
        await("the InferenceGraph cache", () -> kinds.objectsIn(Kind.INFERENCE_GRAPH, "late").lookup() == ClusterView.Lookup.READY);
        MockCluster.object(client, "late", """
                apiVersion: serving.kserve.io/v1alpha1
                kind: InferenceGraph
                metadata: {name: g, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec: {minReplicas: 1, scaleMetric: cpu}
                """);
        await("the graph in the cache", () -> kinds.objectsIn(Kind.INFERENCE_GRAPH, "late").objects().size() == 1);
        JsonNode after = validate(Kind.SCALED_OBJECT, "late", SO_ON_G);
        assertFalse(after.path("allowed").asBoolean(), after.toString());
        assertEquals("autoscaler-conflict", after.path("auditAnnotations").path("denied-by").asText());

        // The LLMInferenceService CRD appears; the periodic look (run here directly) finds it without any request.
        MockCluster.installReferenceCrd(client, MockCluster.REFERENCE_CRDS.get(1));
        await("the LLMInferenceService informer started", () -> {
            kinds.check();
            return kinds.installed(Kind.LLM_INFERENCE_SERVICE);
        });
        await("the LLMInferenceService cache", () -> kinds.objectsIn(Kind.LLM_INFERENCE_SERVICE, "late").lookup() == ClusterView.Lookup.READY);
        assertFalse(kinds.installed(Kind.HTTP_SCALED_OBJECT), "the HTTPScaledObject CRD is still missing");
    }
}
