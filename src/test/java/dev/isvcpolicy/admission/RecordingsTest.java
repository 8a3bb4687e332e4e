package dev.isvcpolicy.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.zjsonpatch.JsonPatch;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every AdmissionReview a real kube-apiserver 1.28 sent (src/test/resources/recordings/, as recorded), replayed
 * over HTTPS to the endpoint it was sent to: the uid comes back, the decision is the expected one, a patch
 * applies to {@code object}, and the brownfield object's UPDATEs pass with a {@code pre-existing:} warning.
 */
@QuarkusTest
@QuarkusTestResource(TlsTestResource.class)
class RecordingsTest {

    private static final String DIR = "/recordings/kube-apiserver-1.28/";

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    static Stream<JsonNode> expectations() {
        return StreamSupport.stream(Reviews.yamlResource("/recordings/expectations.yaml").spliterator(), false);
    }

    @Test
    void everyRecordingHasAnExpectation() throws IOException {
        Set<String> expected = new TreeSet<>();
        expectations().forEach(e -> expected.add(e.path("file").asText()));
        Set<String> recorded = new TreeSet<>();
        try (InputStream in = RecordingsTest.class.getResourceAsStream(DIR)) {
            assertNotNull(in, "missing " + DIR);
            for (String line : new String(in.readAllBytes()).split("\n")) {
                if (line.endsWith(".json")) {
                    recorded.add(line.trim());
                }
            }
        }
        assertEquals(28, recorded.size(), "the recordings: " + recorded);
        assertEquals(recorded, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expectations")
    void replay(JsonNode expected) throws IOException {
        String file = expected.path("file").asText();
        byte[] body;
        try (InputStream in = RecordingsTest.class.getResourceAsStream(DIR + file)) {
            assertNotNull(in, file);
            body = in.readAllBytes();
        }
        JsonNode request = Reviews.JSON.readTree(body).path("request");
        URL endpoint = file.endsWith(".mutate.json") ? mutate : validate;
        JsonNode response = Reviews.response(Reviews.post(endpoint.toString(), body));

        assertEquals(request.path("uid").asText(), response.path("uid").asText(), file + ": uid echoed");
        assertEquals(expected.path("allowed").asBoolean(), response.path("allowed").asBoolean(), file + ": decision " + response);
        if (expected.has("decision")) {
            assertEquals(expected.get("decision").asText(), response.path("auditAnnotations").path("decision").asText(), file);
        }
        JsonNode patch = Reviews.patch(response);
        if (expected.path("noPatch").asBoolean()) {
            assertEquals(0, patch.size(), file + ": no patch");
            assertEquals(0, response.path("warnings").size(), file + ": no finding, no warning");
        }
        if (patch.size() > 0) {
            JsonNode patched = JsonPatch.apply(patch, request.path("object"));
            assertTrue(patched.isObject(), file);
            assertEquals("JSONPatch", response.path("patchType").asText(), file);
        }
        List<String> denied = new ArrayList<>();
        expected.path("denied").forEach(d -> denied.add(d.asText()));
        assertEquals(String.join(",", denied), response.path("auditAnnotations").path("denied-by").asText(""), file + ": denying rules");
        List<String> pre = new ArrayList<>();
        expected.path("preExisting").forEach(d -> pre.add(d.asText()));
        assertEquals(String.join(",", pre), response.path("auditAnnotations").path("pre-existing").asText(""), file + ": pre-existing rules");
        for (String rule : pre) {
            boolean warned = false;
            for (JsonNode w : response.path("warnings")) {
                warned |= w.asText().startsWith("pre-existing:") && w.asText().contains(rule);
            }
            assertTrue(warned, file + ": a pre-existing: warning naming " + rule + " in " + response.path("warnings"));
        }
    }
}
