package dev.isvcpolicy.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonDiff;
import io.fabric8.zjsonpatch.JsonPatch;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API server's flow for every fixture, over HTTPS: {@code /mutate}, apply the returned JSON Patch
 * with a real JSON Patch implementation, {@code /validate} the result, then {@code /mutate} again.
 */
@QuarkusTest
@QuarkusTestResource(TlsTestResource.class)
class ApiServerFlowTest {

    /** The paths a mutation may write: everything else must come out exactly as it went in. */
    private static final Pattern OWNED = Pattern.compile(
            "^/metadata/annotations(/serving\\.kserve\\.io~1deploymentMode|/sidecar\\.opentelemetry\\.io~1inject)?$"
                    + "|^/spec/(predictor|transformer|explainer)/(minReplicas|scaleMetric|scaleTarget|autoScaling(/metrics.*)?"
                    + "|annotations(/autoscaling\\.knative\\.dev~1(class|metric|target)|/sidecar\\.opentelemetry\\.io~1inject)?)$");

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    static Stream<JsonNode> expectations() {
        JsonNode list = Reviews.yamlResource("/fixtures/expectations.yaml");
        return StreamSupport.stream(list.spliterator(), false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expectations")
    void mutateApplyValidateMutateAgain(JsonNode expected) throws Exception {
        String file = expected.path("file").asText();
        ObjectNode original = (ObjectNode) Reviews.yamlResource("/fixtures/" + file);

        JsonNode mutateResponse = Reviews.response(Reviews.post(mutate.toString(), Reviews.isvcReview("CREATE", "default", original, null)));
        assertTrue(mutateResponse.path("allowed").asBoolean(), file + ": /mutate must allow");
        JsonNode patch = Reviews.patch(mutateResponse);
        JsonNode patched = JsonPatch.apply(patch, original);

        assertEquals(set(expected.path("mutatedBy")), ids(mutateResponse.path("auditAnnotations").path("mutated-by").asText("")),
                file + ": rules that patched (patch " + patch + ")");
        expected.path("values").fields().forEachRemaining(e ->
                assertEquals(e.getValue(), patched.at(e.getKey()), file + ": value at " + e.getKey()));

        for (JsonNode op : JsonDiff.asJson(original, patched)) {
            String path = op.path("path").asText();
            assertTrue(OWNED.matcher(path).matches(), file + ": the patch touched " + path + ", which no mutation owns (" + op + ")");
            assertFalse("remove".equals(op.path("op").asText()) && !path.matches(".*/(scaleMetric|scaleTarget)$"),
                    file + ": the patch removed " + path);
        }

        JsonNode validateResponse = Reviews.response(Reviews.post(validate.toString(), Reviews.isvcReview("CREATE", "default", patched, null)));
        boolean allowed = expected.path("allowed").asBoolean();
        assertEquals(allowed, validateResponse.path("allowed").asBoolean(), file + ": /validate decision " + validateResponse);
        assertEquals(set(expected.path("denied")), ids(validateResponse.path("auditAnnotations").path("denied-by").asText("")),
                file + ": denying rules");
        Set<String> warned = ids(validateResponse.path("auditAnnotations").path("warned-by").asText(""));
        mutateResponse.path("warnings").forEach(w -> warned.add(ruleOf(w.asText())));
        assertEquals(set(expected.path("warned")), warned, file + ": warning rules");

        JsonNode again = Reviews.response(Reviews.post(mutate.toString(), Reviews.isvcReview("CREATE", "default", patched, null)));
        assertEquals(0, Reviews.patch(again).size(), file + ": /mutate on its own output must add nothing, got " + Reviews.patch(again));
        assertFalse(again.has("patchType"), file + ": no patch means no patchType");
    }

    private static String ruleOf(String warning) {
        return warning.substring(warning.lastIndexOf('[') + 1, warning.length() - 1);
    }

    private static Set<String> ids(String csv) {
        Set<String> out = new TreeSet<>();
        for (String id : csv.split(",")) {
            if (!id.isBlank()) {
                out.add(id.trim());
            }
        }
        return out;
    }

    private static Set<String> set(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return new TreeSet<>(out);
    }
}
