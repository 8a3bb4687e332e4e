package dev.isvcpolicy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.admission.Reviews;
import dev.isvcpolicy.admission.TlsTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What each kind of decision leaves behind: one audit line, audit annotations, warnings and metrics. */
@QuarkusTest
@QuarkusTestResource(TlsTestResource.class)
class AuditTrailTest {

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    static JsonNode only(LogCapture capture) throws Exception {
        assertEquals(1, capture.lines.size(), "one audit line per decision: " + capture.lines);
        return Reviews.JSON.readTree(capture.lines.get(0));
    }

    static String metrics() {
        dev.isvcpolicy.admission.Trails.settle();
        int port = org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
        return RestAssured.given().relaxedHTTPSValidation().get("https://localhost:" + port + "/q/metrics").asString();
    }

    /** The value of one Prometheus sample, 0 when absent. */
    static double sample(String metrics, String name, String... labels) {
        for (String line : metrics.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= line.contains(l);
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void aPatchedCreateIsAuditedWithItsContextAndOperations() throws Exception {
        ObjectNode review = Reviews.isvcReview("CREATE", "team-a", Reviews.yamlResource("/fixtures/02-kpa-qps.yaml"), null);
        double before = sample(metrics(), "isvc_webhook_reviews_total", "endpoint=\"mutate\"", "decision=\"patched\"", "operation=\"CREATE\"");
        JsonNode line;
        try (LogCapture audit = LogCapture.of(AuditLog.CATEGORY)) {
            Reviews.post(mutate.toString(), review);
            line = only(audit);
        }
        assertEquals(review.path("request").path("uid").asText(), line.path("uid").asText());
        assertEquals("mutate", line.path("endpoint").asText());
        assertEquals("CREATE", line.path("operation").asText());
        assertFalse(line.path("dryRun").asBoolean());
        assertEquals("serving.kserve.io/v1beta1/InferenceService", line.path("kind").asText());
        assertEquals("team-a", line.path("namespace").asText());
        assertEquals("flowers-qps", line.path("name").asText());
        assertEquals("alice@example.com", line.path("user").asText());
        assertEquals("system:authenticated", line.path("groups").get(0).asText());
        assertEquals("patched", line.path("decision").asText());
        assertEquals("Knative", line.path("mode").asText());
        assertEquals("fallback", line.path("modeSource").asText());
        assertEquals("predictor", line.path("components").get(0).path("component").asText());
        assertEquals("flowers-qps-predictor", line.path("components").get(0).path("objectName").asText());
        assertEquals("kpa", line.path("components").get(0).path("autoscaler").asText());
        List<String> ops = new ArrayList<>();
        line.path("patch").forEach(op -> ops.add(op.path("op").asText() + " " + op.path("path").asText() + " " + op.path("rule").asText()
                + " " + op.path("value")));
        assertTrue(ops.contains("replace /spec/predictor/scaleMetric scale-metric-alias \"rps\""), ops.toString());
        assertTrue(ops.contains("add /spec/predictor/minReplicas default-min-replicas 1"), ops.toString());
        assertTrue(ops.stream().anyMatch(o -> o.startsWith("add /spec/predictor/annotations knative-annotations") && o.endsWith(" ")),
                "an object value is not copied into the audit line: " + ops);
        assertTrue(line.path("warnings").get(0).asText().endsWith("[scale-metric-alias]"));
        assertTrue(line.path("durationMs").asDouble() >= 0);
        assertEquals(0, line.path("findings").size());
        assertEquals(before + 1, sample(metrics(), "isvc_webhook_reviews_total", "endpoint=\"mutate\"", "decision=\"patched\"", "operation=\"CREATE\""));
        assertTrue(sample(metrics(), "isvc_webhook_patch_operations_total", "rule=\"scale-metric-alias\"") >= 1);
        assertTrue(sample(metrics(), "isvc_webhook_review_duration_seconds_count", "endpoint=\"mutate\"") >= 1);
    }

    @Test
    void aDenialIsAuditedWithEveryFindingAndCounted() throws Exception {
        // The UPDATE introduces both problems: the old object scaled on cpu from one replica (RULES.md §7: new denies refuse).
        ObjectNode old = (ObjectNode) Reviews.yamlResource("/fixtures/16-hpa-scale-to-zero-denied.yaml");
        ((ObjectNode) old.path("spec").path("predictor")).put("minReplicas", 1).put("scaleMetric", "cpu");
        ObjectNode review = Reviews.isvcReview("UPDATE", "team-a", Reviews.yamlResource("/fixtures/16-hpa-scale-to-zero-denied.yaml"), old);
        ((ObjectNode) review.path("request")).put("dryRun", true);
        double before = sample(metrics(), "isvc_webhook_findings_total", "rule=\"scale-to-zero\"", "action=\"deny\"");
        double dryRunsBefore = sample(metrics(), "isvc_webhook_reviews_dry_run_total", "endpoint=\"validate\"", "decision=\"denied\"");
        JsonNode line;
        JsonNode response;
        try (LogCapture audit = LogCapture.of(AuditLog.CATEGORY)) {
            response = Reviews.response(Reviews.post(validate.toString(), review));
            line = only(audit);
        }
        assertEquals(dryRunsBefore + 1, sample(metrics(), "isvc_webhook_reviews_dry_run_total", "endpoint=\"validate\"", "decision=\"denied\""),
                "dry-run reviews are counted as such, with the real request's decision");
        assertEquals("denied", line.path("decision").asText());
        assertTrue(line.path("dryRun").asBoolean(), "dry-run requests are audited and marked");
        assertEquals("UPDATE", line.path("operation").asText());
        assertEquals("Standard", line.path("mode").asText());
        assertEquals("annotation", line.path("modeSource").asText());
        assertEquals("hpa", line.path("components").get(0).path("autoscaler").asText());
        List<String> findings = new ArrayList<>();
        line.path("findings").forEach(f -> {
            findings.add(f.path("rule").asText() + " " + f.path("action").asText() + " " + f.path("path").asText());
            assertFalse(f.path("message").asText().isBlank());
        });
        assertTrue(findings.contains("scale-to-zero deny spec.predictor.minReplicas"), findings.toString());
        assertTrue(findings.contains("scale-metric deny spec.predictor.scaleMetric"), findings.toString());
        assertEquals("denied", response.path("auditAnnotations").path("decision").asText());
        assertEquals("scale-metric,scale-to-zero", response.path("auditAnnotations").path("denied-by").asText());
        assertEquals(before + 1, sample(metrics(), "isvc_webhook_findings_total", "rule=\"scale-to-zero\"", "action=\"deny\""));
    }

    @Test
    void aPreExistingFindingIsAuditedAndCountedAsSuch() throws Exception {
        JsonNode object = Reviews.yamlResource("/fixtures/16-hpa-scale-to-zero-denied.yaml");
        ObjectNode labelled = object.deepCopy();
        ((ObjectNode) labelled.path("metadata")).putObject("labels").put("team", "a");
        ObjectNode review = Reviews.isvcReview("UPDATE", "team-a", labelled, object);
        double before = sample(metrics(), "isvc_webhook_findings_total", "rule=\"scale-to-zero\"", "action=\"pre-existing\"");
        JsonNode line;
        JsonNode response;
        try (LogCapture audit = LogCapture.of(AuditLog.CATEGORY)) {
            response = Reviews.response(Reviews.post(validate.toString(), review));
            line = only(audit);
        }
        assertTrue(response.path("allowed").asBoolean(), response.toString());
        assertEquals("allowed", line.path("decision").asText());
        List<String> pre = new ArrayList<>();
        line.path("findings").forEach(f -> {
            if (f.path("preExisting").asBoolean()) {
                pre.add(f.path("rule").asText() + " " + f.path("action").asText() + " " + f.path("path").asText());
            }
        });
        assertTrue(pre.contains("scale-to-zero warn spec.predictor.minReplicas"), line.toString());
        assertEquals("scale-metric,scale-to-zero", response.path("auditAnnotations").path("pre-existing").asText(), response.toString());
        assertTrue(line.path("warnings").toString().contains("pre-existing: spec.predictor.minReplicas"), line.toString());
        assertEquals(before + 1, sample(metrics(), "isvc_webhook_findings_total", "rule=\"scale-to-zero\"", "action=\"pre-existing\""));
    }

    @Test
    void badRequestsSkippedKindsAndExemptNamespacesAreAuditedToo() throws Exception {
        try (LogCapture audit = LogCapture.of(AuditLog.CATEGORY)) {
            Reviews.post(validate.toString(), "not json".getBytes(StandardCharsets.UTF_8));
            JsonNode bad = only(audit);
            assertEquals("bad-request", bad.path("decision").asText());
            assertTrue(bad.path("reason").asText().contains("not valid JSON"));
            audit.lines.clear();

            Reviews.post(validate.toString(), Reviews.review("", "v1", "Pod", "pods", "CREATE", "default",
                    Reviews.JSON.readTree("{\"metadata\":{\"name\":\"p\"}}"), null));
            JsonNode skipped = only(audit);
            assertEquals("skipped", skipped.path("decision").asText());
            assertEquals("kind /Pod is not judged", skipped.path("reason").asText(), "docs/audit.md: skipped, with reason");
            audit.lines.clear();

            Reviews.post(mutate.toString(), Reviews.isvcReview("CREATE", "kube-system", Reviews.yamlResource("/fixtures/02-kpa-qps.yaml"), null));
            assertEquals("exempt", only(audit).path("decision").asText());
        }
        assertTrue(sample(metrics(), "isvc_webhook_reviews_total", "decision=\"bad-request\"", "operation=\"unknown\"") >= 1);
    }

    @Test
    void aSecretInTheObjectNeverReachesAnyLogLine() throws Exception {
        String secret = "s3cr3t-value-never-logged";
        ObjectNode object = (ObjectNode) Reviews.yamlResource("/fixtures/15-unknown-fields.yaml");
        ObjectNode denied = object.deepCopy();
        ((ObjectNode) denied.path("metadata").path("annotations")).put("serving.kserve.io/deploymentMode", "Bogus");
        ((ObjectNode) denied.path("spec").path("predictor")).put("minReplicas", "two");
        try (LogCapture root = LogCapture.of(""); LogCapture audit = LogCapture.of(AuditLog.CATEGORY)) {
            Reviews.post(mutate.toString(), Reviews.isvcReview("CREATE", "default", object, null));
            Reviews.post(validate.toString(), Reviews.isvcReview("CREATE", "default", object, null));
            Reviews.post(mutate.toString(), Reviews.isvcReview("UPDATE", "default", denied, object));
            JsonNode r = Reviews.response(Reviews.post(validate.toString(), Reviews.isvcReview("UPDATE", "default", denied, object)));
            assertFalse(r.path("allowed").asBoolean());
            List<String> all = new ArrayList<>(root.lines);
            all.addAll(audit.lines);
            assertEquals(4, audit.lines.size(), "the capture saw the four audit lines");
            assertTrue(audit.lines.get(3).contains("deployment-mode"), "the denial's line names its rules: " + audit.lines.get(3));
            for (String line : all) {
                assertFalse(line.contains(secret), "a log line carries the env value: " + line);
                assertFalse(line.contains("API_TOKEN"), "a log line names the env variable: " + line);
            }
            assertFalse(r.toString().contains(secret), "nor does the answer");
        }
    }

    @Test
    void warningsStayWithinTheApiServersLimits() throws Exception {
        StringBuilder annotations = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            annotations.append("\"autoscaling.knative.dev/custom-key-").append(i).append("-").append("x".repeat(150)).append("\": \"1\",");
        }
        JsonNode object = Reviews.JSON.readTree("{\"metadata\": {\"name\": \"many\", \"annotations\": {" + annotations
                + "\"serving.kserve.io/deploymentMode\": \"Standard\"}}, \"spec\": {\"predictor\": {\"minReplicas\": 1}}}");
        JsonNode r = Reviews.response(Reviews.post(validate.toString(), Reviews.isvcReview("CREATE", "default", object, null)));
        assertTrue(r.path("allowed").asBoolean());
        int total = 0;
        for (JsonNode w : r.path("warnings")) {
            assertTrue(w.asText().length() <= 256, "warning over 256 characters: " + w.asText().length());
            total += w.asText().length();
        }
        assertTrue(total <= 4096, "warnings over 4 KiB in all: " + total);
        String last = r.path("warnings").get(r.path("warnings").size() - 1).asText();
        assertTrue(last.startsWith("... and ") && last.contains("audit log"), last);
        assertTrue(r.path("warnings").get(0).asText().endsWith("[autoscaler-conflict]"), "a cut warning keeps its rule id");
    }

    @Test
    void auditAnnotationKeysAreValidQualifiedNames() throws Exception {
        Pattern name = Pattern.compile("^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$");
        for (String fixture : List.of("/fixtures/02-kpa-qps.yaml", "/fixtures/16-hpa-scale-to-zero-denied.yaml")) {
            for (URL url : List.of(mutate, validate)) {
                JsonNode r = Reviews.response(Reviews.post(url.toString(), Reviews.isvcReview("CREATE", "default", Reviews.yamlResource(fixture), null)));
                assertNotNull(r.get("auditAnnotations"), "every judged response has audit annotations");
                r.path("auditAnnotations").fields().forEachRemaining(e -> {
                    Matcher m = name.matcher(e.getKey());
                    assertTrue(m.matches() && ("isvc-autoscaling.isvcpolicy.dev/" + e.getKey()).length() <= 316, e.getKey());
                    assertTrue(e.getValue().asText().length() <= 1024, e.getValue().asText());
                });
            }
        }
    }

    @Test
    void metricsShowThePolicyInForceAndTheCacheState() {
        String m = metrics();
        assertEquals(1.0, sample(m, "isvc_webhook_policy_rule", "rule=\"scale-to-zero\"", "action=\"deny\""));
        assertEquals(1.0, sample(m, "isvc_webhook_policy_rule", "rule=\"gpu-scaling-metric\"", "action=\"warn\""));
        assertEquals(1.0, sample(m, "isvc_webhook_policy_rule", "rule=\"default-min-replicas\"", "action=\"on\""));
        assertTrue(m.contains("isvc_webhook_policy_audit_only 0.0"), "audit-only gauge");
        assertTrue(m.contains("isvc_webhook_cluster_synced{cache=\"inferenceservice-config\"} 0.0"), "lookups are off in tests");
        assertTrue(m.contains("isvc_webhook_cluster_lookups_enabled 0.0"), "and the gauge says so");
        assertTrue(m.contains("isvc_webhook_audit_write_failures_total 0.0"));
    }
}
