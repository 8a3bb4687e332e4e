package dev.isvcpolicy.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTP contract: uid echoed, shapes the API server reads, and a clear 4xx answer to bad input. */
@QuarkusTest
@QuarkusTestResource(TlsTestResource.class)
class AdmissionContractTest {

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    private static ObjectNode isvc(String yaml) throws Exception {
        return (ObjectNode) Reviews.YAML.readTree(yaml);
    }

    @Test
    void mutateAnswersWithUidAndABase64JsonPatch() throws Exception {
        ObjectNode review = Reviews.isvcReview("CREATE", "default", isvc("""
                metadata: {name: flowers}
                spec: {predictor: {scaleMetric: qps, scaleTarget: 3, model: {modelFormat: {name: tensorflow}}}}
                """), null);
        Response http = Reviews.post(mutate.toString(), review);
        assertEquals(200, http.statusCode());
        JsonNode answer = Reviews.JSON.readTree(http.asByteArray());
        assertEquals("admission.k8s.io/v1", answer.path("apiVersion").asText());
        assertEquals("AdmissionReview", answer.path("kind").asText());
        JsonNode r = answer.path("response");
        assertEquals(review.path("request").path("uid").asText(), r.path("uid").asText());
        assertTrue(r.path("allowed").asBoolean());
        assertEquals("JSONPatch", r.path("patchType").asText());
        List<String> ops = new ArrayList<>();
        Reviews.patch(r).forEach(op -> ops.add(op.path("op").asText() + " " + op.path("path").asText() + " " + op.path("value")));
        assertTrue(ops.contains("replace /spec/predictor/scaleMetric \"rps\""), ops.toString());
        assertTrue(ops.contains("add /spec/predictor/minReplicas 1"), ops.toString());
        assertTrue(ops.contains("add /spec/predictor/annotations {\"autoscaling.knative.dev/class\":\"kpa.autoscaling.knative.dev\"}"), ops.toString());
        assertEquals(1, r.path("warnings").size());
        assertTrue(r.path("warnings").get(0).asText().startsWith("spec.predictor.scaleMetric: "), r.path("warnings").toString());
        assertEquals("patched", r.path("auditAnnotations").path("decision").asText());
    }

    @Test
    void validateDeniesInTheApiServersInvalidShapeWithEveryCause() throws Exception {
        ObjectNode review = Reviews.isvcReview("CREATE", "team-a", isvc("""
                metadata: {name: bad, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec: {predictor: {minReplicas: 5, maxReplicas: 2, scaleMetric: concurrency}}
                """), null);
        JsonNode r = Reviews.response(Reviews.post(validate.toString(), review));
        assertEquals(review.path("request").path("uid").asText(), r.path("uid").asText());
        assertFalse(r.path("allowed").asBoolean());
        JsonNode status = r.path("status");
        assertEquals(422, status.path("code").asInt());
        assertEquals("Invalid", status.path("reason").asText());
        assertEquals("Failure", status.path("status").asText());
        // One cause per field of each finding, each with the API server's reason for its type: min above max
        // names both fields (Invalid), an unusable metric is NotSupported and carries its value.
        List<String> causes = new ArrayList<>();
        status.path("details").path("causes").forEach(c -> {
            causes.add(c.path("reason").asText() + " " + c.path("field").asText());
            assertFalse(c.path("message").asText().isBlank());
        });
        assertEquals(List.of("FieldValueInvalid spec.predictor.maxReplicas", "FieldValueInvalid spec.predictor.minReplicas",
                "FieldValueNotSupported spec.predictor.scaleMetric"), causes.stream().sorted().toList());
        status.path("details").path("causes").forEach(c -> {
            if (c.path("field").asText().equals("spec.predictor.minReplicas")) {
                assertTrue(c.path("message").asText().startsWith("Invalid value: \"5\": "), c.toString());
            }
            if (c.path("field").asText().equals("spec.predictor.scaleMetric")) {
                assertTrue(c.path("message").asText().startsWith("Unsupported value: "), c.toString());
                assertTrue(c.path("message").asText().endsWith("[scale-metric]"), c.toString());
            }
        });
        String message = status.path("message").asText();
        assertTrue(message.startsWith("InferenceService \"bad\" is invalid: "), message);
        assertTrue(message.contains("spec.predictor.minReplicas, spec.predictor.maxReplicas: ") && message.contains("; spec.predictor.scaleMetric: ")
                || message.contains("spec.predictor.scaleMetric: ") && message.contains("; spec.predictor.minReplicas, spec.predictor.maxReplicas: "), message);
        assertEquals("denied", r.path("auditAnnotations").path("decision").asText());
        assertTrue(r.path("auditAnnotations").path("denied-by").asText().contains("replica-bounds"));
        assertTrue(r.path("auditAnnotations").path("denied-by").asText().contains("scale-metric"));
    }

    @Test
    void requestOptionsOfAnyShapeAreNotReadAndNeverRefuseAReview() throws Exception {
        for (String options : List.of("\"odd\"", "[1, 2]", "{\"kind\": 7, \"apiVersion\": {}}", "null")) {
            ObjectNode review = Reviews.isvcReview("CREATE", "default", isvc("""
                    metadata: {name: flowers}
                    spec: {predictor: {scaleMetric: qps, model: {modelFormat: {name: tensorflow}}}}
                    """), null);
            ((ObjectNode) review.path("request")).set("options", Reviews.JSON.readTree(options));
            JsonNode m = Reviews.response(Reviews.post(mutate.toString(), review));
            assertEquals("patched", m.path("auditAnnotations").path("decision").asText(), "options " + options + ": " + m);
            JsonNode v = Reviews.response(Reviews.post(validate.toString(), review));
            assertTrue(v.has("allowed"), "options " + options + ": " + v);
            assertEquals(review.path("request").path("uid").asText(), v.path("uid").asText());
        }
    }

    @Test
    void wrongJsonTypeIsDeniedByValidateAndLeftAloneByMutate() throws Exception {
        ObjectNode object = isvc("""
                metadata: {name: typed, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec: {predictor: {minReplicas: "two", scaleMetric: cpu}}
                """);
        JsonNode m = Reviews.response(Reviews.post(mutate.toString(), Reviews.isvcReview("CREATE", "default", object, null)));
        assertTrue(m.path("allowed").asBoolean());
        Reviews.patch(m).forEach(op -> assertFalse(op.path("path").asText().endsWith("minReplicas"), "mutate must not overwrite a user value: " + op));
        JsonNode v = Reviews.response(Reviews.post(validate.toString(), Reviews.isvcReview("CREATE", "default", object, null)));
        assertFalse(v.path("allowed").asBoolean());
        JsonNode cause = v.path("status").path("details").path("causes").get(0);
        assertEquals("spec.predictor.minReplicas", cause.path("field").asText());
        assertTrue(cause.path("message").asText().contains("whole number"), cause.toString());
    }

    @Test
    void otherKindsDeletesAndExemptNamespacesAreAllowedUntouched() throws Exception {
        ObjectNode pod = Reviews.review("", "v1", "Pod", "pods", "CREATE", "default", isvc("{metadata: {name: p}, spec: {}}"), null);
        JsonNode r = Reviews.response(Reviews.post(mutate.toString(), pod));
        assertTrue(r.path("allowed").asBoolean());
        assertFalse(r.has("patch"));

        ObjectNode isvc = isvc("{metadata: {name: x}, spec: {predictor: {minReplicas: 0, maxReplicas: -1}}}");
        JsonNode delete = Reviews.response(Reviews.post(validate.toString(), Reviews.isvcReview("DELETE", "default", null, isvc)));
        assertTrue(delete.path("allowed").asBoolean());

        JsonNode exempt = Reviews.response(Reviews.post(validate.toString(), Reviews.isvcReview("CREATE", "kube-system", isvc, null)));
        assertTrue(exempt.path("allowed").asBoolean());
        assertEquals("exempt", exempt.path("auditAnnotations").path("decision").asText());
        JsonNode exemptMutate = Reviews.response(Reviews.post(mutate.toString(), Reviews.isvcReview("CREATE", "kube-system", isvc, null)));
        assertFalse(exemptMutate.has("patch"));
    }

    @Test
    void scaledObjectsAreJudgedOnValidateOnlyAndRefusedWith400WhenMalformed() throws Exception {
        ObjectNode so = Reviews.review("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects", "CREATE", "default",
                isvc("{apiVersion: keda.sh/v1alpha1, kind: ScaledObject, metadata: {name: so}, spec: {scaleTargetRef: {name: m-predictor}}}"), null);
        JsonNode r = Reviews.response(Reviews.post(validate.toString(), so));
        assertEquals(so.path("request").path("uid").asText(), r.path("uid").asText());
        assertTrue(r.path("allowed").asBoolean(), "lookups are off in this profile: nothing to judge it against, " + r);
        assertFalse(r.has("warnings"), "lookups off is said once in the log, not per request: " + r);
        assertEquals("allowed", r.path("auditAnnotations").path("decision").asText());

        JsonNode mutated = Reviews.response(Reviews.post(mutate.toString(), so));
        assertTrue(mutated.path("allowed").asBoolean());
        assertFalse(mutated.has("patch"), "/mutate leaves ScaledObjects untouched: " + mutated);
        assertEquals("skipped", mutated.path("auditAnnotations").path("decision").asText());

        ObjectNode wrongKind = Reviews.review("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects", "CREATE", "default",
                isvc("{kind: ScaledJob, metadata: {name: so}}"), null);
        JsonNode refused = Reviews.response(Reviews.post(validate.toString(), wrongKind));
        assertFalse(refused.path("allowed").asBoolean());
        assertEquals(400, refused.path("status").path("code").asInt(), refused.toString());
        assertEquals(wrongKind.path("request").path("uid").asText(), refused.path("uid").asText());

        ObjectNode noObject = Reviews.review("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects", "UPDATE", "default", null, null);
        JsonNode missing = Reviews.response(Reviews.post(validate.toString(), noObject));
        assertEquals(400, missing.path("status").path("code").asInt(), missing.toString());
    }

    @Test
    void bodiesThatAreNotAdmissionReviewsGetA400WithAReadableStatus() {
        for (String body : List.of("", "not json", "{\"apiVersion\":", "[1,2,3]", "{}", "null",
                "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\"}}",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"operation\":\"CREATE\"}}",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"} trailing")) {
            for (URL url : List.of(mutate, validate)) {
                Response r = Reviews.post(url.toString(), body.getBytes(StandardCharsets.UTF_8));
                assertEquals(400, r.statusCode(), "body " + body + " -> " + r.asString());
                JsonNode status = Reviews.JSON.createObjectNode();
                try {
                    status = Reviews.JSON.readTree(r.asByteArray());
                } catch (Exception e) {
                    throw new AssertionError("400 body is not JSON: " + r.asString());
                }
                assertEquals("Status", status.path("kind").asText());
                assertEquals(400, status.path("code").asInt());
                assertFalse(status.path("message").asText().isBlank());
                assertFalse(r.asString().contains("Exception") || r.asString().contains("\tat "), "no stack trace: " + r.asString());
            }
        }
    }

    @Test
    void aReadableUidIsEchoedInARefusalWhenTheRestIsMalformed() throws Exception {
        ObjectNode review = Reviews.isvcReview("CREATE", "default", null, null);
        ((ObjectNode) review.path("request")).put("object", "a string, not an object");
        JsonNode r = Reviews.response(Reviews.post(validate.toString(), review));
        assertEquals(review.path("request").path("uid").asText(), r.path("uid").asText());
        assertFalse(r.path("allowed").asBoolean());
        assertEquals(400, r.path("status").path("code").asInt());
        assertEquals("request.object must be the InferenceService as a JSON object", r.path("status").path("message").asText());

        ObjectNode broken = Reviews.isvcReview("CREATE", "default", isvc("{metadata: {name: a}}"), null);
        ((ObjectNode) broken.path("request")).put("kind", "InferenceService");
        JsonNode b = Reviews.response(Reviews.post(mutate.toString(), broken));
        assertEquals(broken.path("request").path("uid").asText(), b.path("uid").asText());
        assertFalse(b.path("allowed").asBoolean());
        assertEquals(400, b.path("status").path("code").asInt());
    }

    @Test
    void anObjectOfAnotherKindUnderAnInferenceServiceRequestIsRefused() throws Exception {
        ObjectNode review = Reviews.isvcReview("CREATE", "default", isvc("{apiVersion: v1, kind: Pod, metadata: {name: p}}"), null);
        JsonNode r = Reviews.response(Reviews.post(mutate.toString(), review));
        assertFalse(r.path("allowed").asBoolean());
        assertEquals("request.object is a \"Pod\", not an InferenceService", r.path("status").path("message").asText());

        ObjectNode so = Reviews.review("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects", "CREATE", "default",
                isvc("{apiVersion: v1, kind: Pod, metadata: {name: p}}"), null);
        JsonNode s = Reviews.response(Reviews.post(validate.toString(), so));
        assertFalse(s.path("allowed").asBoolean());
        assertEquals(400, s.path("status").path("code").asInt());
        assertEquals("request.object is a \"Pod\", not a ScaledObject", s.path("status").path("message").asText());
        ((ObjectNode) so.path("request")).put("object", 7);
        assertEquals("request.object must be the ScaledObject as a JSON object",
                Reviews.response(Reviews.post(validate.toString(), so)).path("status").path("message").asText());
    }

    @Test
    void hugeAndDeeplyNestedBodiesAreRefusedWith4xxAndTheServerKeepsServing() throws Exception {
        byte[] huge = new byte[5 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(TlsTestResource.KEYSTORE)) {
            trust.load(in, "test-only".toCharArray());
        }
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        var ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        var client = java.net.http.HttpClient.newBuilder().sslContext(ssl).version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        var big = client.send(java.net.http.HttpRequest.newBuilder(mutate.toURI()).expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(huge)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(413, big.statusCode());

        String deep = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"object\":"
                + "[".repeat(10_000) + "]".repeat(10_000) + "}}";
        Response nested = Reviews.post(validate.toString(), deep.getBytes(StandardCharsets.UTF_8));
        assertEquals(400, nested.statusCode(), nested.asString());
        assertTrue(nested.asString().contains("nesting"), nested.asString());

        JsonNode ok = Reviews.response(Reviews.post(validate.toString(),
                Reviews.isvcReview("CREATE", "default", isvc("{metadata: {name: fine}, spec: {predictor: {minReplicas: 1}}}"), null)));
        assertTrue(ok.path("allowed").asBoolean());
    }

    @Test
    void updateCannotChangeTheDeploymentMode() throws Exception {
        ObjectNode old = isvc("{metadata: {name: m}, spec: {predictor: {minReplicas: 1}}, status: {deploymentMode: Serverless}}");
        ObjectNode now = isvc("{metadata: {name: m, annotations: {serving.kserve.io/deploymentMode: Standard}}, spec: {predictor: {minReplicas: 1}}}");
        JsonNode r = Reviews.response(Reviews.post(validate.toString(), Reviews.isvcReview("UPDATE", "default", now, old)));
        assertFalse(r.path("allowed").asBoolean());
        assertEquals("metadata.annotations[serving.kserve.io/deploymentMode]",
                r.path("status").path("details").path("causes").get(0).path("field").asText());
    }
}
