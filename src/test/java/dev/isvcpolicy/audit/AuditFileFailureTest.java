package dev.isvcpolicy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An audit file that cannot be written never fails an admission; the failure is counted. */
@QuarkusTest
@TestProfile(AuditFileFailureTest.Unwritable.class)
@QuarkusTestResource(TlsTestResource.class)
class AuditFileFailureTest {

    public static class Unwritable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path blocker = Path.of("target/audit-blocker");
                Files.createDirectories(blocker.getParent());
                Files.deleteIfExists(blocker);
                Files.writeString(blocker, "a file where the audit directory should be");
                return Map.of("webhook.audit.file", blocker.resolve("audit.log").toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    @Test
    void admissionsGoOnAndTheFailureIsCounted() throws Exception {
        JsonNode m = Reviews.response(Reviews.post(mutate.toString(),
                Reviews.isvcReview("CREATE", "default", Reviews.yamlResource("/fixtures/02-kpa-qps.yaml"), null)));
        assertTrue(m.path("allowed").asBoolean());
        assertEquals("patched", m.path("auditAnnotations").path("decision").asText());
        JsonNode v = Reviews.response(Reviews.post(validate.toString(),
                Reviews.isvcReview("CREATE", "default", Reviews.yamlResource("/fixtures/16-hpa-scale-to-zero-denied.yaml"), null)));
        assertEquals("denied", v.path("auditAnnotations").path("decision").asText());
        assertTrue(AuditTrailTest.sample(AuditTrailTest.metrics(), "isvc_webhook_audit_write_failures_total") >= 1,
                "the failure to open the file is counted");
    }
}
