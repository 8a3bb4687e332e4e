package dev.isvcpolicy.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Malformed input against the real endpoints: every answer is a 4xx or a well-formed AdmissionReview,
 * never a 5xx or a stack trace; the server keeps serving and its heap comes back to its level.
 */
@QuarkusTest
@QuarkusTestResource(TlsTestResource.class)
class EndpointFuzzTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<JsonNode> ODD_VALUES = List.of(F.nullNode(), F.textNode(""), F.textNode("ü∂ƒ \u202e\ud83d\ude00"),
            F.numberNode(-1), F.numberNode(1e308), F.booleanNode(false), F.arrayNode(), F.objectNode(),
            F.arrayNode().add(F.objectNode().put("x", 1)), F.textNode("x".repeat(5000)));

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    /** Checks one answer and returns its HTTP status. */
    private static int check(Response r, String what) {
        int status = r.statusCode();
        String body = r.asString();
        assertTrue(status < 500, what + " -> HTTP " + status + ": " + body);
        assertFalse(body.contains("\tat ") || body.contains("Exception"), what + " -> a stack trace: " + body);
        if (status == 200) {
            JsonNode json;
            try {
                json = Reviews.JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError(what + " -> 200 but not JSON: " + body);
            }
            assertEquals("admission.k8s.io/v1", json.path("apiVersion").asText(), what);
            assertEquals("AdmissionReview", json.path("kind").asText(), what);
            assertTrue(json.path("response").path("uid").isTextual(), what + " -> no uid: " + body);
            assertTrue(json.path("response").path("allowed").isBoolean(), what + " -> no allowed: " + body);
        } else {
            assertTrue(status >= 400, what + " -> HTTP " + status);
        }
        return status;
    }

    /** Every node of the tree, replaced in turn by each odd value: wrong types at every level. */
    private static List<ObjectNode> wrongTypesEverywhere(ObjectNode review) {
        List<ObjectNode> out = new ArrayList<>();
        List<List<Object>> paths = new ArrayList<>();
        collect(review, new ArrayList<>(), paths);
        for (List<Object> path : paths) {
            for (JsonNode odd : ODD_VALUES) {
                ObjectNode copy = review.deepCopy();
                JsonNode parent = copy;
                for (int i = 0; i < path.size() - 1; i++) {
                    Object step = path.get(i);
                    parent = step instanceof String s ? parent.get(s) : parent.get((Integer) step);
                }
                Object last = path.get(path.size() - 1);
                if (last instanceof String s) {
                    ((ObjectNode) parent).set(s, odd);
                } else {
                    ((ArrayNode) parent).set((Integer) last, odd);
                }
                out.add(copy);
            }
        }
        return out;
    }

    private static void collect(JsonNode node, List<Object> at, List<List<Object>> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                List<Object> next = new ArrayList<>(at);
                next.add(e.getKey());
                out.add(next);
                collect(e.getValue(), next, out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                List<Object> next = new ArrayList<>(at);
                next.add(i);
                out.add(next);
                collect(node.get(i), next, out);
            }
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void malformedInputGetsA4xxOrAWellFormedReviewAndTheServerKeepsServing() throws Exception {
        ObjectNode valid = Reviews.isvcReview("UPDATE", "default", Reviews.yamlResource("/fixtures/13-keda-on-knative-default.yaml"),
                Reviews.yamlResource("/fixtures/06-keda-cpu-raw.yaml"));
        String text = valid.toString();
        for (int i = 0; i < 5; i++) {
            Reviews.post(validate.toString(), valid);
        }
        long before = usedHeapAfterGc();
        int cases = 0;

        for (ObjectNode broken : wrongTypesEverywhere(valid)) {
            check(Reviews.post((cases % 2 == 0 ? mutate : validate).toString(), broken), "wrong type: " + abbreviate(broken));
            cases++;
        }
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            int cut = random.nextInt(text.length());
            byte[] truncated = text.substring(0, cut).getBytes(StandardCharsets.UTF_8);
            assertEquals(400, check(Reviews.post(mutate.toString(), truncated), "truncated at " + cut));
            byte[] flipped = text.getBytes(StandardCharsets.UTF_8);
            flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
            check(Reviews.post(validate.toString(), flipped), "a flipped byte");
            cases += 2;
        }
        ObjectNode noUid = valid.deepCopy();
        ((ObjectNode) noUid.path("request")).remove("uid");
        assertEquals(400, check(Reviews.post(validate.toString(), noUid), "missing uid"));
        ObjectNode nullObject = valid.deepCopy();
        ((ObjectNode) nullObject.path("request")).putNull("object");
        check(Reviews.post(mutate.toString(), nullObject), "null object");
        String deep = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"object\":"
                + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000) + "}}";
        assertEquals(400, check(Reviews.post(validate.toString(), deep.getBytes(StandardCharsets.UTF_8)), "10,000-deep nesting"));
        byte[] fourMiB = ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"object\":{\"metadata\":{\"name\":\"x\"},\"spec\":{\"predictor\":{\"p\":\""
                + "x".repeat(4 * 1024 * 1024 - 300) + "\"}}}}}").getBytes(StandardCharsets.UTF_8);
        check(Reviews.post(mutate.toString(), fourMiB), "a 4 MiB body");
        for (String unicode : List.of("\ufeff{}", "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"\u0000\ud800\"}}",
                "\u00e9\u00e8", "{\"a\":\"\\ud800\"}")) {
            check(Reviews.post(validate.toString(), unicode.getBytes(StandardCharsets.UTF_8)), "unicode " + unicode);
        }
        cases += 8;

        JsonNode still = Reviews.response(Reviews.post(mutate.toString(), valid));
        assertTrue(still.path("allowed").asBoolean(), "still serving: " + still);
        long after = usedHeapAfterGc();
        System.out.printf("fuzz: %d malformed requests; heap after GC %d MiB before, %d MiB after%n", cases, before >> 20, after >> 20);
        assertTrue(after < before + (48L << 20), "heap grew from " + (before >> 20) + " to " + (after >> 20) + " MiB");
    }

    private static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
