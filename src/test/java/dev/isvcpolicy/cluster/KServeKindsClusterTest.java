package dev.isvcpolicy.cluster;

import static dev.isvcpolicy.cluster.MockCluster.await;
import static dev.isvcpolicy.cluster.MockCluster.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.admission.Reviews;
import dev.isvcpolicy.admission.TlsTestResource;
import dev.isvcpolicy.policy.ClusterState;
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
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * autoscaler-conflict for InferenceGraphs, LLMInferenceServices and HTTPScaledObjects against a mock API server (CRUD)
 * holding the reference CRDs: real client, real informers, each direction. Each test has its own namespace.
 */
@QuarkusTest
@TestProfile(ClusterDefaultsTest.LookupsOn.class)
@WithKubernetesTestServer(crud = true, setup = MockCluster.WithAllCrds.class)
@QuarkusTestResource(TlsTestResource.class)
class KServeKindsClusterTest {

    @Inject
    KubernetesClient client;

    @Inject
    WorkloadCaches caches;

    @Inject
    KServeKindCaches kinds;

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    private JsonNode post(URL endpoint, Kind kind, String version, String namespace, JsonNode object) {
        ObjectNode review = Reviews.review(kind.group(), version, kind.kind(), kind.resource(), "CREATE", namespace, object, null);
        return Reviews.response(Reviews.post(endpoint.toString(), review));
    }

    private JsonNode validate(Kind kind, String namespace, JsonNode object) {
        return post(validate, kind, kind.version(), namespace, object);
    }

    private void awaitStored(Kind kind, String namespace, int count) throws InterruptedException {
        await(count + " " + kind.kind() + " in " + namespace, () -> {
            ClusterState.Stored s = kinds.objectsIn(kind, namespace);
            return s.lookup() == ClusterView.Lookup.READY && s.objects().size() == count;
        });
    }

    private void awaitScaledObjects(String namespace, int count) throws InterruptedException {
        await(count + " ScaledObjects in " + namespace, () -> {
            ClusterView v = caches.scaledObjectsIn(namespace);
            return v.lookup() == ClusterView.Lookup.READY && v.scaledObjects().size() == count;
        });
    }

    private static JsonNode cause(JsonNode response) {
        return response.path("status").path("details").path("causes").get(0);
    }

    private static void assertDenied(JsonNode r, String field, String... pieces) {
        assertFalse(r.path("allowed").asBoolean(), r.toString());
        assertEquals(422, r.path("status").path("code").asInt(), r.toString());
        assertEquals(field, cause(r).path("field").asText(), r.toString());
        for (String piece : pieces) {
            assertTrue(cause(r).path("message").asText().contains(piece), "message should contain " + piece + ": " + r);
        }
        assertEquals("autoscaler-conflict", r.path("auditAnnotations").path("denied-by").asText(), r.toString());
    }

    @Test
    void theInformersWatchTheServedVersionsOfTheReferenceCrds() throws Exception {
        for (Kind k : KServeKindCaches.KINDS) {
            await(k.kind() + " cache ready", () -> kinds.objectsIn(k, "none").lookup() == ClusterView.Lookup.READY);
            assertTrue(kinds.installed(k), k.kind());
            assertTrue(kinds.synced(k), k.kind() + ": synced and watching");
        }
    }

    @Test
    void aScaledObjectOnAGraphsDeploymentIsDeniedAndAGraphIsDeniedBesideAUsersScaledObject() throws Exception {
        MockCluster.object(client, "ig-1", """
                apiVersion: serving.kserve.io/v1alpha1
                kind: InferenceGraph
                metadata: {name: g, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec: {minReplicas: 1, scaleMetric: cpu, nodes: {root: {routerType: Sequence, steps: [{serviceName: m}]}}}
                status: {deploymentMode: Standard}
                """);
        awaitStored(Kind.INFERENCE_GRAPH, "ig-1", 1);
        JsonNode so = yaml("{apiVersion: keda.sh/v1alpha1, kind: ScaledObject, metadata: {name: user-so}, spec: {scaleTargetRef: {name: g}}}");
        assertDenied(validate(Kind.SCALED_OBJECT, "ig-1", so), "spec.scaleTargetRef.name", "InferenceGraph \"g\"");

        MockCluster.scaledObject(client, "ig-2", "metadata: {name: user-so}\nspec: {scaleTargetRef: {name: g}}\n");
        awaitScaledObjects("ig-2", 1);
        JsonNode graph = yaml("""
                {apiVersion: serving.kserve.io/v1alpha1, kind: InferenceGraph, metadata: {name: g, annotations: {serving.kserve.io/deploymentMode: Standard}},
                 spec: {minReplicas: 1, scaleMetric: cpu, nodes: {root: {routerType: Sequence, steps: [{serviceName: m}]}}}}
                """);
        assertDenied(validate(Kind.INFERENCE_GRAPH, "ig-2", graph), "spec", "ScaledObject \"user-so\"");
        JsonNode external = graph.deepCopy();
        ((ObjectNode) external.path("metadata").path("annotations")).put("serving.kserve.io/autoscalerClass", "external");
        JsonNode allowed = validate(Kind.INFERENCE_GRAPH, "ig-2", external);
        assertTrue(allowed.path("allowed").asBoolean(), allowed.toString());
    }

    @Test
    void aGraphIsMutatedAtSpecAndItsAnnotations() {
        JsonNode graph = yaml("""
                {apiVersion: serving.kserve.io/v1alpha1, kind: InferenceGraph, metadata: {name: g, annotations: {serving.kserve.io/deploymentMode: Standard}},
                 spec: {nodes: {root: {routerType: Sequence, steps: [{serviceName: m}]}}}}
                """);
        JsonNode r = post(mutate, Kind.INFERENCE_GRAPH, "v1alpha1", "ig-3", graph);
        assertTrue(r.path("allowed").asBoolean(), r.toString());
        String patch = Reviews.patch(r).toString();
        assertTrue(patch.contains("/spec/minReplicas") && patch.contains("/spec/scaleMetric"), patch);
    }

    @Test
    void theKServeExampleLlmServiceHoldsItsWorkloadsAgainstScaledObjectsAndHttpScaledObjects() throws Exception {
        // The published LLMInferenceService example (v1alpha2), created as it is, in this test's namespace.
        MockCluster.object(client, "llm-1", Files.readString(Path.of("src/test/resources/reference/kserve/llminferenceservice-scaling-example.yaml")));
        awaitStored(Kind.LLM_INFERENCE_SERVICE, "llm-1", 1);
        JsonNode so = yaml("{apiVersion: keda.sh/v1alpha1, kind: ScaledObject, metadata: {name: mine}, spec: {scaleTargetRef: {name: llama-keda-kserve}}}");
        assertDenied(validate(Kind.SCALED_OBJECT, "llm-1", so), "spec.scaleTargetRef.name", "LLMInferenceService \"llama-keda\"", "spec.scaling");
        JsonNode hso = yaml("""
                {apiVersion: http.keda.sh/v1alpha1, kind: HTTPScaledObject, metadata: {name: web},
                 spec: {scaleTargetRef: {name: llama-keda-kserve-prefill, service: llama, port: 8000}}}
                """);
        assertDenied(validate(Kind.HTTP_SCALED_OBJECT, "llm-1", hso), "spec.scaleTargetRef.name", "spec.prefill.scaling");
        ((ObjectNode) hso.path("metadata")).putObject("annotations").put("httpscaledobject.keda.sh/skip-scaledobject-creation", "true");
        assertTrue(validate(Kind.HTTP_SCALED_OBJECT, "llm-1", hso).path("allowed").asBoolean());
    }

    @Test
    void anLlmServiceIsDeniedBesideAUsersScaledObjectOnItsLeaderWorkerSetOrAnHttpScaledObject() throws Exception {
        MockCluster.scaledObject(client, "llm-2", """
                metadata: {name: mine}
                spec: {scaleTargetRef: {apiVersion: leaderworkerset.x-k8s.io/v1, kind: LeaderWorkerSet, name: big-kserve-mn}}
                """);
        await("the ScaledObject on a LeaderWorkerSet in the cache", () -> caches.scaledObjectObjectsIn("llm-2").objects().size() == 1);
        JsonNode llm = yaml("{apiVersion: serving.kserve.io/v1alpha1, kind: LLMInferenceService, metadata: {name: big}, spec: {model: {uri: 'hf://o/m'}}}");
        // v1alpha1, the other served version, reaches the webhook as sent.
        assertDenied(post(validate, Kind.LLM_INFERENCE_SERVICE, "v1alpha1", "llm-2", llm), "spec.scaling", "LeaderWorkerSet \"big-kserve-mn\"");

        MockCluster.object(client, "llm-3", """
                apiVersion: http.keda.sh/v1alpha1
                kind: HTTPScaledObject
                metadata: {name: web}
                spec: {scaleTargetRef: {name: big-kserve, service: big, port: 8000}, replicas: {min: 0, max: 2}}
                """);
        awaitStored(Kind.HTTP_SCALED_OBJECT, "llm-3", 1);
        assertDenied(validate(Kind.LLM_INFERENCE_SERVICE, "llm-3", llm), "spec.scaling", "HTTPScaledObject \"web\"");
        JsonNode other = yaml("{apiVersion: serving.kserve.io/v1alpha2, kind: LLMInferenceService, metadata: {name: small}, spec: {model: {uri: 'hf://o/m'}}}");
        assertTrue(validate(Kind.LLM_INFERENCE_SERVICE, "llm-3", other).path("allowed").asBoolean());
    }

    @Test
    void anHttpScaledObjectOnAnInferenceServicePredictorIsDeniedAsItsScaledObjectWouldBe() throws Exception {
        MockCluster.isvc(client, "hso-1", """
                metadata: {name: m, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec: {predictor: {minReplicas: 1}}
                status: {deploymentMode: Standard}
                """);
        await("the InferenceService in the cache", () -> caches.inferenceServicesIn("hso-1").objects().size() == 1);
        JsonNode hso = yaml("""
                {apiVersion: http.keda.sh/v1alpha1, kind: HTTPScaledObject, metadata: {name: web},
                 spec: {scaleTargetRef: {name: m-predictor, service: m-predictor, port: 80}}}
                """);
        assertDenied(validate(Kind.HTTP_SCALED_OBJECT, "hso-1", hso), "spec.scaleTargetRef.name", "InferenceService \"m\"");
    }
}
