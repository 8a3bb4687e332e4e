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
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A cluster without KEDA: InferenceServices are not checked against ScaledObjects, said once; KEDA installed later is picked up. */
@QuarkusTest
@TestProfile(ClusterDefaultsTest.LookupsOn.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(TlsTestResource.class)
class KedaCrdMissingTest {

    @Inject
    KubernetesClient client;

    @Inject
    WorkloadCaches caches;

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    private static final String HPA_ISVC =
            "{metadata: {name: n, annotations: {serving.kserve.io/deploymentMode: Standard}}, spec: {predictor: {minReplicas: 1}}}";

    private JsonNode validateIsvc(String namespace) {
        return Reviews.response(Reviews.post(validate.toString(), Reviews.isvcReview("CREATE", namespace, yaml(HPA_ISVC), null)));
    }

    @Test
    void withoutKedaNothingIsCheckedAndTheLogSaysSoOnceThenKedaInstalledLaterIsWatched() throws Exception {
        await("the KEDA CRD looked up", () -> caches.scaledObjectsIn("ns").lookup() == ClusterView.Lookup.ABSENT);
        assertTrue(caches.saidKedaAbsent(), "the missing CRD is said in the log");

        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(WorkloadCaches.class.getName());
        logger.addHandler(capture);
        try {
            caches.checkKeda();
            caches.checkKeda();
            assertEquals(List.of(), lines.stream().filter(l -> l.contains("not installed")).toList(), "said once, not on every look");
        } finally {
            logger.removeHandler(capture);
        }

        JsonNode r = validateIsvc("ns");
        assertTrue(r.path("allowed").asBoolean(), r.toString());
        assertFalse(r.path("warnings").toString().contains("autoscaler-conflict"), "no KEDA, nothing skipped to warn of: " + r);

        MockCluster.installKedaCrd(client);
        JsonNode so = Reviews.review("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects", "CREATE", "ns",
                yaml("{kind: ScaledObject, metadata: {name: first}, spec: {scaleTargetRef: {name: unrelated}}}"), null);
        assertTrue(Reviews.response(Reviews.post(validate.toString(), so)).path("allowed").asBoolean());
        await("a ScaledObject at /validate makes the webhook look for KEDA again",
                () -> caches.scaledObjectsIn("ns").lookup() == ClusterView.Lookup.READY);

        MockCluster.scaledObject(client, "ns", "metadata: {name: user-so}\nspec: {scaleTargetRef: {name: n-predictor}}\n");
        await("the ScaledObject in the cache", () -> caches.scaledObjectsIn("ns").scaledObjects().size() == 1);
        JsonNode denied = validateIsvc("ns");
        assertFalse(denied.path("allowed").asBoolean(), denied.toString());
        assertEquals("autoscaler-conflict", denied.path("auditAnnotations").path("denied-by").asText());
    }
}
