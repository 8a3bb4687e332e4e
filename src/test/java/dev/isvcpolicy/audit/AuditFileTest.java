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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optional audit file: same lines as stdout, rotated by size. */
@QuarkusTest
@TestProfile(AuditFileTest.WithFile.class)
@QuarkusTestResource(TlsTestResource.class)
class AuditFileTest {

    static final Path DIR = Path.of("target/audit-file-test");

    public static class WithFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                if (Files.exists(DIR)) {
                    try (var files = Files.list(DIR)) {
                        for (Path p : files.toList()) {
                            Files.delete(p);
                        }
                    }
                }
                Files.createDirectories(DIR);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of("webhook.audit.file", DIR.resolve("audit.log").toString(),
                    "webhook.audit.file-max-bytes", "8192", "webhook.audit.file-backups", "2");
        }
    }

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    @jakarta.inject.Inject
    AuditLog audit;

    @Test
    void linesGoToTheFileWhichRotatesBySize() throws Exception {
        for (int i = 0; i < 40; i++) {
            JsonNode r = Reviews.response(Reviews.post(validate.toString(),
                    Reviews.isvcReview("CREATE", "default", Reviews.yamlResource("/fixtures/16-hpa-scale-to-zero-denied.yaml"), null)));
            assertEquals("denied", r.path("auditAnnotations").path("decision").asText());
        }
        audit.flush(); // lines are written by a background thread
        assertTrue(Files.exists(DIR.resolve("audit.log.1")), "rotated at 8 KiB: " + List.of(DIR.toFile().list()));
        assertTrue(!Files.exists(DIR.resolve("audit.log.3")), "two backups kept");
        List<String> lines = Files.readAllLines(DIR.resolve("audit.log"));
        assertTrue(lines.size() > 0);
        for (String line : lines) {
            JsonNode json = Reviews.JSON.readTree(line);
            assertEquals("validate", json.path("endpoint").asText());
            assertEquals("denied", json.path("decision").asText());
        }
        assertTrue(AuditTrailTest.metrics().contains("isvc_webhook_audit_write_failures_total 0.0"), "no write failure");
    }
}
