package dev.isvcpolicy.audit;

import static dev.isvcpolicy.audit.AuditTrailTest.metrics;
import static dev.isvcpolicy.audit.AuditTrailTest.only;
import static dev.isvcpolicy.audit.AuditTrailTest.sample;
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
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Audit-only mode and per-rule actions show up in the answer, the audit line and the metrics exactly as configured. */
@QuarkusTest
@TestProfile(AuditOnlyModeTest.AuditOnly.class)
@QuarkusTestResource(TlsTestResource.class)
class AuditOnlyModeTest {

    public static class AuditOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("webhook.audit-only", "true",
                    "webhook.rules.gpu-scaling-metric", "deny",
                    "webhook.rules.ttft-trigger", "off",
                    "webhook.rules.container-concurrency", "warn");
        }
    }

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    @Test
    void wouldBeDenialsAreAdmittedAndMarkedEverywhere() throws Exception {
        JsonNode object = Reviews.yamlResource("/fixtures/16-hpa-scale-to-zero-denied.yaml");
        JsonNode r;
        JsonNode line;
        try (LogCapture audit = LogCapture.of(AuditLog.CATEGORY)) {
            r = Reviews.response(Reviews.post(validate.toString(), Reviews.isvcReview("CREATE", "default", object, null)));
            line = only(audit);
        }
        assertTrue(r.path("allowed").asBoolean(), "audit-only admits: " + r);
        assertEquals("allowed", r.path("auditAnnotations").path("decision").asText());
        assertEquals("scale-metric,scale-to-zero", r.path("auditAnnotations").path("audit-only-denied-by").asText());
        assertFalse(r.path("auditAnnotations").has("denied-by"));
        assertTrue(r.path("warnings").toString().contains("(audit-only, would deny) spec.predictor.minReplicas"), r.path("warnings").toString());
        JsonNode finding = line.path("findings").get(0);
        assertEquals("warn", finding.path("action").asText());
        assertTrue(finding.path("auditOnly").asBoolean());
        assertTrue(sample(metrics(), "isvc_webhook_findings_total", "rule=\"scale-to-zero\"", "action=\"audit-only-deny\"") >= 1);
    }

    @Test
    void theConfiguredPolicyIsWhatTheGaugeShows() {
        String m = metrics();
        assertTrue(m.contains("isvc_webhook_policy_audit_only 1.0"));
        assertEquals(1.0, sample(m, "isvc_webhook_policy_rule", "rule=\"scale-to-zero\"", "action=\"audit-only-deny\""));
        assertEquals(1.0, sample(m, "isvc_webhook_policy_rule", "rule=\"gpu-scaling-metric\"", "action=\"audit-only-deny\""));
        assertEquals(1.0, sample(m, "isvc_webhook_policy_rule", "rule=\"ttft-trigger\"", "action=\"off\""));
        assertEquals(1.0, sample(m, "isvc_webhook_policy_rule", "rule=\"container-concurrency\"", "action=\"warn\""));
    }

    @Test
    void aRuleRaisedToDenyIsLoweredByAuditOnlyAndARuleSetOffSaysNothing() throws Exception {
        JsonNode object = Reviews.JSON.readTree("""
                {"metadata": {"name": "g", "annotations": {"serving.kserve.io/deploymentMode": "Standard",
                   "serving.kserve.io/autoscalerClass": "keda"}},
                 "spec": {"predictor": {"minReplicas": 1, "model": {"resources": {"limits": {"nvidia.com/gpu": 1}}},
                   "autoScaling": {"metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}},
                     {"type": "External", "external": {"metric": {"backend": "prometheus", "serverAddress": "http://p:9090",
                        "query": "histogram_quantile(0.9, vllm:time_to_first_token_seconds_bucket)"}, "target": {"type": "Value", "value": "1"}}}]}}}}
                """);
        JsonNode r = Reviews.response(Reviews.post(validate.toString(), Reviews.isvcReview("CREATE", "default", object, null)));
        assertTrue(r.path("allowed").asBoolean());
        assertEquals("gpu-scaling-metric", r.path("auditAnnotations").path("audit-only-denied-by").asText());
        assertFalse(r.toString().contains("ttft-trigger"), "ttft-trigger is off: " + r);
    }
}
