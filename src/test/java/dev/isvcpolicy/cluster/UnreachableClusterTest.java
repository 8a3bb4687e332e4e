package dev.isvcpolicy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.admission.Reviews;
import dev.isvcpolicy.admission.TlsTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * No API server at all: the webhook starts, serves, and judges with the fallback mode; the cluster-side
 * autoscaler-conflict check is skipped with a warning (the default, fail-open), never waited for.
 */
@QuarkusTest
@TestProfile(UnreachableClusterTest.NoApiServer.class)
@QuarkusTestResource(TlsTestResource.class)
class UnreachableClusterTest {

    public static class NoApiServer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("webhook.cluster.lookups", "true",
                    "quarkus.kubernetes-client.api-server-url", "https://127.0.0.1:1",
                    "webhook.cluster.fallback-mode", "Standard");
        }
    }

    @Inject
    ClusterDefaults defaults;

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    @Test
    void servesWithTheFallbackMode() throws Exception {
        long start = System.nanoTime();
        JsonNode r = Reviews.response(Reviews.post(validate.toString(), Reviews.isvcReview("CREATE", "default",
                Reviews.JSON.readTree("{\"metadata\": {\"name\": \"m\"}, \"spec\": {\"predictor\": {\"minReplicas\": 0}}}"), null)));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Optional.empty(), defaults.defaultMode());
        assertFalse(defaults.state().synced());
        assertFalse(r.path("allowed").asBoolean(), "fallback Standard: hpa cannot scale to zero, " + r);
        assertTrue(r.path("auditAnnotations").path("denied-by").asText().contains("scale-to-zero"));
        System.out.printf("answered in %d ms with no API server%n", millis);
        assertTrue(r.path("auditAnnotations").path("warned-by").asText().contains("autoscaler-conflict"), r.toString());
        assertTrue(r.path("warnings").toString().contains("metadata.namespace: the ScaledObjects of namespace \\\"default\\\" could not be checked"),
                r.path("warnings").toString());
    }

    @Test
    void aScaledObjectIsAdmittedWithAWarningThatItWasNotChecked() throws Exception {
        long start = System.nanoTime();
        JsonNode r = Reviews.response(Reviews.post(validate.toString(), Reviews.review("keda.sh", "v1alpha1", "ScaledObject",
                "scaledobjects", "CREATE", "default",
                Reviews.JSON.readTree("{\"kind\": \"ScaledObject\", \"metadata\": {\"name\": \"s\"}, \"spec\": {\"scaleTargetRef\": {\"name\": \"m-predictor\"}}}"),
                null)));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(r.path("allowed").asBoolean(), r.toString());
        assertEquals(1, r.path("warnings").size(), r.toString());
        String warning = r.path("warnings").get(0).asText();
        assertTrue(warning.startsWith("spec.scaleTargetRef.name: ") && warning.contains("was skipped"), warning);
        System.out.printf("answered in %d ms with no API server%n", millis);
    }
}
