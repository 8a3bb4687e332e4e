package dev.isvcpolicy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.admission.Reviews;
import dev.isvcpolicy.admission.TlsTestResource;
import dev.isvcpolicy.policy.KnativeLimits;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Knative's config-autoscaler limits follow the ConfigMap through the informer: max-scale-limit and
 * allow-zero-initial-scale are checked on /validate while it exists, and nothing is assumed without it.
 */
@QuarkusTest
@TestProfile(ClusterDefaultsTest.LookupsOn.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(TlsTestResource.class)
class KnativeAutoscalerConfigTest {

    @Inject
    KubernetesClient client;

    @Inject
    KnativeAutoscalerConfig knative;

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    private static final String ISVC = """
            {"metadata": {"name": "k", "annotations": {"serving.kserve.io/deploymentMode": "Knative"}},
             "spec": {"predictor": {"minReplicas": 0, "maxReplicas": 6,
               "annotations": {"autoscaling.knative.dev/initial-scale": "0"}}}}
            """;

    private void configAutoscaler(Map<String, String> data) {
        client.configMaps().inNamespace("knative-serving").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("config-autoscaler").withNamespace("knative-serving").endMetadata()
                .addToData("_example", "# not read")
                .addToData(data)
                .build()).createOr(r -> r.update());
    }

    private JsonNode validateIsvc() throws Exception {
        return Reviews.response(Reviews.post(validate.toString(), Reviews.isvcReview("CREATE", "default", Reviews.JSON.readTree(ISVC), null)));
    }

    private static String causes(JsonNode response) {
        return response.path("status").path("details").path("causes").toString();
    }

    @Test
    void followsTheConfigMapAsItIsCreatedChangedAndDeleted() throws Exception {
        MockCluster.await("informer synced", () -> knative.state().synced());
        assertFalse(knative.limits().known(), "no ConfigMap: nothing known");
        assertTrue(validateIsvc().path("allowed").asBoolean(), "without the ConfigMap nothing is assumed");

        configAutoscaler(Map.of("max-scale-limit", "5"));
        MockCluster.await("max-scale-limit 5", () -> knative.limits().maxScaleLimit().equals(OptionalInt.of(5)));
        JsonNode denied = validateIsvc();
        assertFalse(denied.path("allowed").asBoolean(), denied.toString());
        assertTrue(causes(denied).contains("spec.predictor.maxReplicas"), causes(denied));
        assertTrue(causes(denied).contains("initial-scale"), "allow-zero-initial-scale absent means false: " + causes(denied));

        configAutoscaler(Map.of("max-scale-limit", "10", "allow-zero-initial-scale", "true"));
        MockCluster.await("max-scale-limit 10", () -> knative.limits().maxScaleLimit().equals(OptionalInt.of(10))
                && knative.limits().allowZeroInitialScale().equals(Optional.of(true)));
        JsonNode allowed = validateIsvc();
        assertTrue(allowed.path("allowed").asBoolean(), allowed.toString());

        client.configMaps().inNamespace("knative-serving").withName("config-autoscaler").delete();
        MockCluster.await("ConfigMap gone", () -> !knative.limits().known());
        assertEquals(KnativeLimits.UNKNOWN, knative.limits());
    }

    @Test
    void readsValuesAsKnativeDoes() {
        KnativeLimits none = KnativeAutoscalerConfig.parse(new ConfigMapBuilder().build()).limits();
        assertEquals(OptionalInt.of(0), none.maxScaleLimit(), "absent key: Knative's default, no limit");
        assertEquals(Optional.of(false), none.allowZeroInitialScale(), "absent key: Knative's default, false");
        KnativeLimits odd = KnativeAutoscalerConfig.parse(new ConfigMapBuilder()
                .addToData("max-scale-limit", "lots").addToData("allow-zero-initial-scale", "yes").build()).limits();
        assertFalse(odd.known(), "values Knative would refuse leave the limits unknown");
        KnativeLimits goBool = KnativeAutoscalerConfig.parse(new ConfigMapBuilder()
                .addToData("max-scale-limit", " 7 ").addToData("allow-zero-initial-scale", "T").build()).limits();
        assertEquals(OptionalInt.of(7), goBool.maxScaleLimit());
        assertEquals(Optional.of(true), goBool.allowZeroInitialScale(), "Go's ParseBool takes T");
        assertFalse(KnativeAutoscalerConfig.parse(null).limits().known(), "no ConfigMap: unknown");
    }
}
