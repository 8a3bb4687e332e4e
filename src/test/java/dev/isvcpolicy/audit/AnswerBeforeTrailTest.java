package dev.isvcpolicy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isvcpolicy.admission.Reviews;
import dev.isvcpolicy.admission.TlsTestResource;
import dev.isvcpolicy.admission.Trails;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The answer goes out before the review's audit line is made: while the audit line is held back, the
 * client already has its answer; the line follows, once, with the decision the answer carried.
 */
@QuarkusTest
@QuarkusTestResource(TlsTestResource.class)
class AnswerBeforeTrailTest {

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @Test
    void theAnswerDoesNotWaitForTheAuditLine() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler held = new Handler() {
            @Override
            public void publish(LogRecord r) {
                try {
                    release.await(30, TimeUnit.SECONDS); // holds the review's trail (on its event loop) until released
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger category = Logger.getLogger(AuditLog.CATEGORY);
        category.addHandler(held);
        try {
            byte[] review = Reviews.isvcReview("CREATE", "team-a", Reviews.yamlResource("/fixtures/02-kpa-qps.yaml"), null)
                    .toString().getBytes(StandardCharsets.UTF_8);
            CompletableFuture<Response> answer = CompletableFuture.supplyAsync(() -> RestAssured.given().relaxedHTTPSValidation()
                    .contentType("application/json").body(review).post(mutate));
            Response r = answer.get(20, TimeUnit.SECONDS); // with the trail first, this would wait for the release
            assertEquals(200, r.statusCode());
            assertTrue(lines.isEmpty(), "the audit line is still held back when the answer arrives");
            assertTrue(Reviews.response(r).path("allowed").asBoolean());
        } finally {
            release.countDown();
            Trails.settle();
            category.removeHandler(held);
        }
        assertEquals(1, lines.size(), "one audit line per decision, after the answer: " + lines);
        assertEquals("patched", Reviews.JSON.readTree(lines.get(0)).path("decision").asText());
    }
}
