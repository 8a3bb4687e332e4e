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
import dev.isvcpolicy.policy.ClusterView;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
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
 * autoscaler-conflict against a mock API server (CRUD): real client, real informers, both directions.
 * Every test has its own namespace, so the caches' contents never leak between tests.
 */
@QuarkusTest
@TestProfile(ClusterDefaultsTest.LookupsOn.class)
@WithKubernetesTestServer(crud = true, setup = MockCluster.WithCrds.class)
@QuarkusTestResource(TlsTestResource.class)
class AutoscalerConflictClusterTest {

    @Inject
    KubernetesClient client;

    @Inject
    WorkloadCaches caches;

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    private JsonNode validateIsvc(String operation, String namespace, JsonNode isvc, JsonNode old) {
        return Reviews.response(Reviews.post(validate.toString(), Reviews.isvcReview(operation, namespace, isvc, old)));
    }

    private JsonNode validateScaledObject(String namespace, JsonNode so) {
        ObjectNode review = Reviews.review("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects", "CREATE", namespace, so, null);
        return Reviews.response(Reviews.post(validate.toString(), review));
    }

    private void awaitIsvcs(String namespace, int count) throws InterruptedException {
        await(count + " InferenceServices in " + namespace, () -> {
            WorkloadCaches.InferenceServices i = caches.inferenceServicesIn(namespace);
            return i.lookup() == ClusterView.Lookup.READY && i.objects().size() == count;
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

    @Test
    void aScaledObjectOnADeploymentThatKServeScalesIsDeniedInTheInvalidShape() throws Exception {
        MockCluster.isvc(client, "so-hpa", """
                metadata: {name: m, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec: {predictor: {minReplicas: 1, model: {modelFormat: {name: sklearn}}}}
                status: {deploymentMode: Standard}
                """);
        awaitIsvcs("so-hpa", 1);
        JsonNode so = yaml("""
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: my-keda, namespace: so-hpa}
                spec: {scaleTargetRef: {name: m-predictor}, triggers: [{type: cpu, metricType: Utilization, metadata: {value: "60"}}]}
                """);
        long start = System.nanoTime();
        JsonNode r = validateScaledObject("so-hpa", so);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertFalse(r.path("allowed").asBoolean(), r.toString());
        JsonNode status = r.path("status");
        assertEquals(422, status.path("code").asInt());
        assertEquals("Invalid", status.path("reason").asText());
        assertEquals("keda.sh", status.path("details").path("group").asText());
        assertEquals("ScaledObject", status.path("details").path("kind").asText());
        assertEquals("my-keda", status.path("details").path("name").asText());
        assertEquals("spec.scaleTargetRef.name", cause(r).path("field").asText());
        String message = cause(r).path("message").asText();
        for (String piece : new String[] {"InferenceService \"m\"", "the predictor", "autoscalerClass hpa",
                "serving.kserve.io/autoscalerClass: external", "[autoscaler-conflict]"}) {
            assertTrue(message.contains(piece), "message should name " + piece + ": " + message);
        }
        assertTrue(status.path("message").asText().startsWith("ScaledObject \"my-keda\" is invalid: "), status.toString());
        assertEquals("autoscaler-conflict", r.path("auditAnnotations").path("denied-by").asText());
        assertTrue(millis < 2_000, "answered from the cache in " + millis + " ms");
    }

    @Test
    void aScaledObjectOnAKnativeRevisionIsDeniedAndOnAnExternalComponentAllowed() throws Exception {
        MockCluster.isvc(client, "so-knative", """
                metadata: {name: kn}
                spec: {predictor: {minReplicas: 1}}
                status: {deploymentMode: Knative}
                """);
        MockCluster.isvc(client, "so-knative", """
                metadata: {name: ext, annotations: {serving.kserve.io/autoscalerClass: external}}
                spec: {predictor: {minReplicas: 1}}
                status: {deploymentMode: Standard}
                """);
        awaitIsvcs("so-knative", 2);
        JsonNode denied = validateScaledObject("so-knative",
                yaml("{kind: ScaledObject, metadata: {name: a}, spec: {scaleTargetRef: {name: kn-predictor-00003-deployment}}}"));
        assertFalse(denied.path("allowed").asBoolean(), denied.toString());
        assertTrue(cause(denied).path("message").asText().contains("Knative's KPA"), denied.toString());

        JsonNode allowed = validateScaledObject("so-knative",
                yaml("{kind: ScaledObject, metadata: {name: b}, spec: {scaleTargetRef: {name: ext-predictor}}}"));
        assertTrue(allowed.path("allowed").asBoolean(), allowed.toString());
        assertFalse(allowed.has("warnings"), allowed.toString());
    }

    @Test
    void aCustomPredictorNameIsMatchedAsKServeNamesIt() throws Exception {
        MockCluster.isvc(client, "so-named", """
                metadata: {name: m, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec: {predictor: {name: main, minReplicas: 1}}
                """);
        awaitIsvcs("so-named", 1);
        JsonNode onNamed = validateScaledObject("so-named",
                yaml("{kind: ScaledObject, metadata: {name: a}, spec: {scaleTargetRef: {name: m-main-predictor}}}"));
        assertFalse(onNamed.path("allowed").asBoolean(), onNamed.toString());
        JsonNode onDefault = validateScaledObject("so-named",
                yaml("{kind: ScaledObject, metadata: {name: b}, spec: {scaleTargetRef: {name: m-predictor}}}"));
        assertTrue(onDefault.path("allowed").asBoolean(), onDefault.toString());
    }

    @Test
    void kservesOwnScaledObjectIsAllowedBothWays() throws Exception {
        GenericKubernetesResource isvc = MockCluster.isvc(client, "owned", """
                metadata: {name: k, annotations: {serving.kserve.io/deploymentMode: Standard, serving.kserve.io/autoscalerClass: keda}}
                spec: {predictor: {minReplicas: 1, autoScaling: {metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]}}}
                status: {deploymentMode: Standard}
                """);
        awaitIsvcs("owned", 1);
        String uid = isvc.getMetadata().getUid() == null ? "" : isvc.getMetadata().getUid();
        String owned = """
                metadata:
                  name: k-predictor
                  ownerReferences: [{apiVersion: serving.kserve.io/v1beta1, kind: InferenceService, name: k, uid: "%s", controller: true}]
                spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: k-predictor}}
                """.formatted(uid);
        JsonNode soAnswer = validateScaledObject("owned", yaml("kind: ScaledObject\n" + owned));
        assertTrue(soAnswer.path("allowed").asBoolean(), "KServe creating its own ScaledObject: " + soAnswer);

        MockCluster.scaledObject(client, "owned", owned);
        awaitScaledObjects("owned", 1);
        JsonNode stored = MockCluster.json(isvc);
        JsonNode update = validateIsvc("UPDATE", "owned", stored, stored);
        assertTrue(update.path("allowed").asBoolean(), "an update beside its own ScaledObject: " + update);
    }

    @Test
    void anInferenceServiceIsDeniedWhileAUserScaledObjectTargetsItsDeploymentAndAllowedOnceItIsGone() throws Exception {
        MockCluster.scaledObject(client, "isvc-side", "metadata: {name: user-so}\nspec: {scaleTargetRef: {name: n-predictor}}\n");
        MockCluster.scaledObject(client, "isvc-side", "metadata: {name: revision-so}\nspec: {scaleTargetRef: {name: kn-predictor-00001-deployment}}\n");
        awaitScaledObjects("isvc-side", 2);

        JsonNode hpa = validateIsvc("CREATE", "isvc-side",
                yaml("{metadata: {name: n, annotations: {serving.kserve.io/deploymentMode: Standard}}, spec: {predictor: {minReplicas: 1}}}"), null);
        assertFalse(hpa.path("allowed").asBoolean(), hpa.toString());
        assertEquals("spec.predictor", cause(hpa).path("field").asText());
        assertTrue(cause(hpa).path("message").asText().contains("ScaledObject \"user-so\""), hpa.toString());

        JsonNode knative = validateIsvc("CREATE", "isvc-side",
                yaml("{metadata: {name: kn, annotations: {serving.kserve.io/deploymentMode: Knative}}, spec: {predictor: {minReplicas: 1}}}"), null);
        assertFalse(knative.path("allowed").asBoolean(), knative.toString());
        assertTrue(cause(knative).path("message").asText().contains("revision-so"), knative.toString());

        JsonNode external = validateIsvc("CREATE", "isvc-side", yaml("""
                {metadata: {name: n, annotations: {serving.kserve.io/deploymentMode: Standard, serving.kserve.io/autoscalerClass: external}},
                 spec: {predictor: {minReplicas: 1}}}"""), null);
        assertTrue(external.path("allowed").asBoolean(), external.toString());

        JsonNode otherNamespace = validateIsvc("CREATE", "elsewhere",
                yaml("{metadata: {name: n, annotations: {serving.kserve.io/deploymentMode: Standard}}, spec: {predictor: {minReplicas: 1}}}"), null);
        assertTrue(otherNamespace.path("allowed").asBoolean(), "ScaledObjects of another namespace do not count: " + otherNamespace);

        client.genericKubernetesResources(WorkloadCaches.SCALED_OBJECTS).inNamespace("isvc-side").withName("user-so").delete();
        awaitScaledObjects("isvc-side", 1);
        JsonNode after = validateIsvc("CREATE", "isvc-side",
                yaml("{metadata: {name: n, annotations: {serving.kserve.io/deploymentMode: Standard}}, spec: {predictor: {minReplicas: 1}}}"), null);
        assertTrue(after.path("allowed").asBoolean(), "the ScaledObject is gone: " + after);
    }

    @Test
    void aScaledObjectOfAnotherKindOrAnExemptNamespaceIsNotJudged() throws Exception {
        MockCluster.isvc(client, "kube-system", "metadata: {name: m}\nspec: {predictor: {minReplicas: 1}}\nstatus: {deploymentMode: Standard}\n");
        JsonNode exempt = validateScaledObject("kube-system",
                yaml("{kind: ScaledObject, metadata: {name: a}, spec: {scaleTargetRef: {name: m-predictor}}}"));
        assertTrue(exempt.path("allowed").asBoolean());
        assertEquals("exempt", exempt.path("auditAnnotations").path("decision").asText());

        JsonNode notAnObject = validateScaledObject("default", Reviews.JSON.readTree("[1]"));
        assertFalse(notAnObject.path("allowed").asBoolean());
        assertEquals(400, notAnObject.path("status").path("code").asInt(), notAnObject.toString());
    }
}
