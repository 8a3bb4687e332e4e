package dev.isvcpolicy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.isvcpolicy.admission.TlsTestResource;
import dev.isvcpolicy.policy.KnativeLimits;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code webhook.cluster.knative=false}, for a cluster without Knative Serving: config-autoscaler is not watched even where
 * it exists, and its cache exports no {@code isvc_webhook_cluster_synced}, which would read 0 and fire the lookup alert.
 */
@QuarkusTest
@TestProfile(KnativeOffTest.KnativeOff.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(TlsTestResource.class)
class KnativeOffTest {

    public static class KnativeOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("webhook.cluster.lookups", "true", "webhook.cluster.knative", "false");
        }
    }

    @Inject
    KubernetesClient client;

    @Inject
    KnativeAutoscalerConfig knative;

    @Inject
    WorkloadCaches caches;

    @Inject
    MeterRegistry registry;

    @Test
    void theConfigMapIsNotWatchedAndNoCacheGaugeSaysOtherwise() throws Exception {
        client.configMaps().inNamespace("knative-serving").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("config-autoscaler").withNamespace("knative-serving").endMetadata()
                .addToData("max-scale-limit", "5").build()).createOr(r -> r.update());
        MockCluster.await("the other caches synced", () -> caches.synced("inferenceservices"));
        assertEquals(KnativeLimits.UNKNOWN, knative.limits(), "not read, though it exists");
        assertEquals("Knative off (webhook.cluster.knative=false)", knative.state().detail());
        assertFalse(knative.state().synced());
        assertNull(registry.find("isvc.webhook.cluster.synced").tags("cache", "config-autoscaler").gauge());
        assertEquals(1.0, registry.find("isvc.webhook.cluster.synced").tags("cache", "inferenceservices").gauge().value());
    }
}
