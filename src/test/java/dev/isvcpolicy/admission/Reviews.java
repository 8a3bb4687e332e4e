package dev.isvcpolicy.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/** Builds AdmissionReviews as the API server sends them, and posts them over HTTPS. */
public final class Reviews {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Reviews() {
    }

    public static JsonNode yamlResource(String path) {
        try (InputStream in = Reviews.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("missing test resource " + path);
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An AdmissionReview v1 for an InferenceService. */
    public static ObjectNode isvcReview(String operation, String namespace, JsonNode object, JsonNode oldObject) {
        return review("serving.kserve.io", "v1beta1", "InferenceService", "inferenceservices", operation, namespace, object, oldObject);
    }

    public static ObjectNode review(String group, String version, String kind, String resource, String operation,
            String namespace, JsonNode object, JsonNode oldObject) {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        ObjectNode req = review.putObject("request");
        req.put("uid", UUID.randomUUID().toString());
        req.putObject("kind").put("group", group).put("version", version).put("kind", kind);
        req.putObject("resource").put("group", group).put("version", version).put("resource", resource);
        req.putObject("requestKind").put("group", group).put("version", version).put("kind", kind);
        if (object != null) {
            req.put("name", object.path("metadata").path("name").asText());
        }
        req.put("namespace", namespace);
        req.put("operation", operation);
        req.putObject("userInfo").put("username", "alice@example.com").putArray("groups").add("system:authenticated");
        if (object != null) {
            req.set("object", object);
        }
        if (oldObject != null) {
            req.set("oldObject", oldObject);
        }
        req.put("dryRun", false);
        req.putObject("options").put("apiVersion", "meta.k8s.io/v1").put("kind", "CREATE".equals(operation) ? "CreateOptions" : "UpdateOptions")
                .put("fieldManager", "kubectl-client-side-apply").put("fieldValidation", "Strict");
        return review;
    }

    /** Posts a review and, in a Quarkus test, waits until its audit line and metrics are left ({@link Trails}). */
    public static Response post(String path, Object body) {
        Response r = RestAssured.given().relaxedHTTPSValidation().contentType("application/json")
                .body(body instanceof byte[] bytes ? bytes : body.toString().getBytes(StandardCharsets.UTF_8))
                .post(path);
        Trails.settle();
        return r;
    }

    /** The answer's {@code response} object. */
    public static JsonNode response(Response r) {
        try {
            return JSON.readTree(r.asByteArray()).path("response");
        } catch (IOException e) {
            throw new IllegalStateException("answer is not JSON: " + r.asString(), e);
        }
    }

    /** The decoded JSON Patch of a response, or an empty array. */
    public static JsonNode patch(JsonNode response) {
        if (!response.hasNonNull("patch")) {
            return JSON.createArrayNode();
        }
        try {
            return JSON.readTree(Base64.getDecoder().decode(response.get("patch").asText()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
