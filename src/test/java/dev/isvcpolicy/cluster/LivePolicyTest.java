package dev.isvcpolicy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.admission.Reviews;
import dev.isvcpolicy.admission.TlsTestResource;
import dev.isvcpolicy.config.PolicyHolder;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Enforcement;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/**
 * RULES.md §5 and §2 against the mock API server: the policy ConfigMap and the exceptions ConfigMap in the
 * webhook's namespace, and the namespace enforcement label, each followed through an informer and seen by
 * {@code /validate}.
 */
@QuarkusTest
@TestProfile(ClusterDefaultsTest.LookupsOn.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(TlsTestResource.class)
class LivePolicyTest {

    private static final String NS = ClusterAccess.WEBHOOK_NAMESPACE;

    @Inject
    KubernetesClient client;

    @Inject
    PolicyHolder holder;

    @Inject
    PolicyConfigMaps configMaps;

    @Inject
    NamespaceLabels namespaces;

    @Inject
    @org.eclipse.microprofile.health.Readiness
    PolicyReadiness readiness;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Inject
    dev.isvcpolicy.config.WebhookConfig config;

    private double gauge(String name, String... tags) {
        return registry.find(name).tags(tags).gauge().value();
    }

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    private JsonNode validate(String namespace, String name) throws Exception {
        JsonNode isvc = Reviews.JSON.readTree("""
                {"metadata": {"name": "%s", "namespace": "%s", "annotations": {"serving.kserve.io/deploymentMode": "Standard"}},
                 "spec": {"predictor": {"minReplicas": 0, "maxReplicas": 3}}}
                """.formatted(name, namespace));
        return Reviews.response(Reviews.post(validate.toString(), Reviews.isvcReview("CREATE", namespace, isvc, null)));
    }

    private void configMap(String name, Map<String, String> data) {
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withData(data).build()).createOr(r -> r.update());
    }

    private Map<String, Object> readinessData() {
        HealthCheckResponse r = readiness.call();
        assertEquals(HealthCheckResponse.Status.UP, r.getStatus(), "a refused edit never makes the webhook unready");
        return r.getData().orElseThrow();
    }

    @Test
    void aPolicyEditTakesEffectAndAnInvalidOneIsRefused() throws Exception {
        MockCluster.await("policy informers synced", () -> configMaps.synced());
        assertEquals(false, readinessData().get("waitingForConfigMaps"), "listed once: ready");
        String startup = holder.settings().hash();
        assertFalse(validate("team-p", "m").path("allowed").asBoolean(), "start-up policy: scale-to-zero denies");
        try {
            configMap("isvc-autoscaling-policy", Map.of("webhook.rules.scale-to-zero", "warn"));
            MockCluster.await("the edit in force", () -> holder.settings().actionFor("scale-to-zero").orElse(null) == Action.WARN);
            String good = holder.settings().hash();
            assertFalse(good.equals(startup), "the policy hash follows the policy");
            JsonNode warned = validate("team-p", "m");
            assertTrue(warned.path("allowed").asBoolean(), warned.toString());
            assertEquals("scale-to-zero", warned.path("auditAnnotations").path("warned-by").asText(), warned.toString());
            assertEquals("accepted", readinessData().get("policyConfigMap"));
            assertEquals(1.0, gauge("isvc.webhook.policy.rule", "rule", "scale-to-zero", "action", "warn"), "the metrics follow the policy");
            assertEquals(0.0, gauge("isvc.webhook.policy.rule", "rule", "scale-to-zero", "action", "deny"));
            assertEquals(0.0, gauge("isvc.webhook.policy.configmap.rejected"));

            long rejections = holder.rejections();
            configMap("isvc-autoscaling-policy", Map.of("webhook.rules.scale-to-zero", "maybe", "webhook.audit-only", "true"));
            MockCluster.await("the invalid edit refused", () -> holder.rejected());
            assertEquals(good, holder.settings().hash(), "the last good policy stays, none of the invalid edit is taken");
            assertFalse(holder.settings().auditOnly(), "no key of a refused edit is taken");
            assertEquals(rejections + 1, holder.rejections(), "counted once");
            assertTrue(validate("team-p", "m").path("allowed").asBoolean(), "still the last good policy");
            assertEquals(1.0, gauge("isvc.webhook.policy.configmap.rejected"), "the metric says the ConfigMap is refused");
            Map<String, Object> data = readinessData();
            assertEquals("rejected", data.get("policyConfigMap"));
            assertTrue(String.valueOf(data.get("policyProblem1")).startsWith("webhook.rules.scale-to-zero"), data.toString());
        } finally {
            client.configMaps().inNamespace(NS).withName("isvc-autoscaling-policy").delete();
        }
        MockCluster.await("ConfigMap deleted: start-up policy", () -> holder.settings().hash().equals(startup) && !holder.rejected());
        assertFalse(validate("team-p", "m").path("allowed").asBoolean());
    }

    @Test
    void theConfigMapNamesAreTheOnesRbacGrants() {
        assertEquals(ClusterAccess.POLICY_CONFIG.resourceName(), config.policy().configMap());
        assertEquals(ClusterAccess.POLICY_EXCEPTIONS.resourceName(), config.policy().exceptionsConfigMap());
        assertEquals(ClusterAccess.POLICY_CONFIG.namespace(), configMaps.namespace(), "outside a pod: the install's namespace");
    }

    @Test
    void exceptionsMatchExpireAndStayInTheirNamespace() throws Exception {
        MockCluster.await("policy informers synced", () -> configMaps.synced());
        try {
            configMap("isvc-autoscaling-policy-exceptions", Map.of(
                    "team-x-legacy", "{namespace: team-x, name: 'legacy-*', rules: [scale-to-zero], reason: batch jobs}",
                    "team-x-old", "{namespace: team-x, name: 'old-*', rules: [scale-to-zero], reason: gone, expires: 2020-01-01}",
                    "broken", "{namespace: team-x, name: '*', rules: [no-such-rule]}"));
            MockCluster.await("exceptions read", () -> holder.decider().exceptions().entries().size() == 2);
            JsonNode excepted = validate("team-x", "legacy-1");
            assertTrue(excepted.path("allowed").asBoolean(), excepted.toString());
            assertEquals("team-x-legacy", excepted.path("auditAnnotations").path("excepted-by").asText(), excepted.toString());
            assertEquals("scale-to-zero", excepted.path("auditAnnotations").path("excepted").asText());
            assertFalse(validate("team-y", "legacy-1").path("allowed").asBoolean(), "never another namespace");
            assertFalse(validate("team-x", "old-1").path("allowed").asBoolean(), "expired: matches nothing");
            assertFalse(validate("team-x", "other").path("allowed").asBoolean(), "the invalid entry is not applied");
            assertTrue(holder.decider().exceptions().problems().containsKey("broken"));
            Map<String, Object> data = readinessData();
            assertEquals(1L, data.get("exceptions"));
            assertEquals(1L, data.get("exceptionsExpired"));
            assertEquals(1L, ((Number) data.get("exceptionsInvalid")).longValue());
            assertEquals(1.0, gauge("isvc.webhook.policy.exceptions", "state", "invalid"));
            assertEquals(1.0, gauge("isvc.webhook.policy.exceptions", "state", "expired"));
        } finally {
            client.configMaps().inNamespace(NS).withName("isvc-autoscaling-policy-exceptions").delete();
        }
        MockCluster.await("exceptions gone", () -> holder.decider().exceptions().entries().isEmpty());
        assertFalse(validate("team-x", "legacy-1").path("allowed").asBoolean());
    }

    @Test
    void aNamespaceLabelSwitchesEnforcement() throws Exception {
        MockCluster.await("namespace informer synced", () -> namespaces.synced());
        assertEquals(Enforcement.DENY, namespaces.enforcement("team-n"), "unknown namespace: deny");
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-n")
                .addToLabels(Enforcement.LABEL, "warn").endMetadata().build()).createOr(r -> r.update());
        MockCluster.await("warn", () -> namespaces.enforcement("team-n") == Enforcement.WARN);
        JsonNode warned = validate("team-n", "m");
        assertTrue(warned.path("allowed").asBoolean(), warned.toString());
        assertEquals("scale-to-zero", warned.path("auditAnnotations").path("audit-only-denied-by").asText(), warned.toString());

        label("team-n", "off");
        MockCluster.await("off", () -> namespaces.enforcement("team-n") == Enforcement.OFF);
        JsonNode off = validate("team-n", "m");
        assertTrue(off.path("allowed").asBoolean());
        assertEquals("exempt", off.path("auditAnnotations").path("decision").asText(), off.toString());

        label("team-n", "deny");
        MockCluster.await("deny", () -> namespaces.enforcement("team-n") == Enforcement.DENY);
        assertFalse(validate("team-n", "m").path("allowed").asBoolean());
        client.namespaces().withName("team-n").delete();
    }

    private void label(String namespace, String value) {
        client.namespaces().withName(namespace).edit(n -> new NamespaceBuilder(n).editMetadata().addToLabels(Enforcement.LABEL, value)
                .endMetadata().build());
    }
}
