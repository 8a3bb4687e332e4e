package dev.isvcpolicy.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.audit.AuditLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: no request, however large or strange, takes the webhook down or changes how the next one
 * is answered. Huge objects get bounded answers and audit lines, request values never become metric
 * labels, numbers of any size are findings, 400s name no Java types, TLS offers AEAD suites only and
 * refuses renegotiation, and a request that never finishes is cut.
 */
@QuarkusTest
@QuarkusTestResource(TlsTestResource.class)
class HostileInputTest {

    /** The answer of a refusal, whatever the object, stays far below this. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    /** An audit line, whatever the object, stays below this. */
    static final int MAX_AUDIT_LINE = 160 * 1024;

    @ConfigProperty(name = "quarkus.http.test-ssl-port")
    int httpsPort;

    @ConfigProperty(name = "quarkus.management.test-port")
    int managementPort;

    /** Collects the audit lines written while it is open. */
    static final class AuditCapture extends Handler implements AutoCloseable {
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final Logger logger = Logger.getLogger(AuditLog.CATEGORY);

        AuditCapture() {
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord r) {
            lines.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }

        String lineOf(String uid) {
            return lines.stream().filter(l -> l.contains(uid)).findFirst().orElseThrow(() -> new AssertionError("no audit line for " + uid));
        }
    }

    private String url(String path) {
        return "https://localhost:" + httpsPort + path;
    }

    private JsonNode small(String path) {
        ObjectNode review = Reviews.isvcReview("CREATE", "default", HostileObjects.isvc("small"), null);
        Response r = Reviews.post(url(path), review);
        assertEquals(200, r.statusCode());
        return Reviews.response(r);
    }

    @Test
    void theLargestObjectTheApiServerStoresGetsABoundedAnswerAndTheNextReviewIsUnaffected() throws Exception {
        ObjectNode review = Reviews.isvcReview("CREATE", "default", HostileObjects.gpuContainers("huge", 36_000), null);
        String uid = review.path("request").path("uid").asText();
        byte[] body = Reviews.JSON.writeValueAsBytes(review);
        assertTrue(body.length > 3_000_000, "about 3 MB: " + body.length);
        try (AuditCapture audit = new AuditCapture()) {
            long start = System.nanoTime();
            Response r = Reviews.post(url("/validate"), body);
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("36,000 containers, %d bytes: /validate answered in %d ms, %d bytes%n", body.length, ms, r.asByteArray().length);
            assertEquals(200, r.statusCode());
            assertTrue(r.asByteArray().length < MAX_ANSWER_BYTES, "bounded answer: " + r.asByteArray().length + " bytes");
            JsonNode response = Reviews.response(r);
            assertFalse(response.path("allowed").asBoolean(true));
            assertEquals(422, response.path("status").path("code").asInt());
            JsonNode causes = response.path("status").path("details").path("causes");
            assertTrue(causes.size() <= Responses.MAX_CAUSES + 1, "at most " + Responses.MAX_CAUSES + " causes, then one that counts the rest");
            assertTrue(causes.get(causes.size() - 1).path("message").asText().matches("and 35\\d{3} more findings of this rule.*"),
                    "the last cause counts the findings left out: " + causes.get(causes.size() - 1));
            assertTrue(response.path("status").path("message").asText().endsWith("more"), "the message counts what it does not quote");

            Response m = Reviews.post(url("/mutate"), body);
            assertEquals(200, m.statusCode());
            assertTrue(Reviews.response(m).path("allowed").asBoolean(), "the mutation allows: " + m.asString().substring(0, 200));
            assertTrue(m.asByteArray().length < MAX_ANSWER_BYTES, "bounded answer: " + m.asByteArray().length);

            AuditLogFlush.flush();
            String line = audit.lineOf(uid);
            assertTrue(line.length() < MAX_AUDIT_LINE, "bounded audit line: " + line.length());
            JsonNode json = Reviews.JSON.readTree(line);
            assertTrue(json.path("findingsNotListed").asInt() > 0 || json.path("findings").size() <= 101, line.substring(0, 300));
            assertTrue(json.path("findings").toString().contains("more findings of this rule"), "the audit line counts the findings left out");
        }
        assertTrue(small("/validate").path("allowed").asBoolean(), "the next review is judged as usual");
        assertTrue(small("/mutate").path("allowed").asBoolean());
    }

    @Test
    void manyLargeReviewsAtOnceAreJudgedOrRefusedWithA429AndSmallOnesGoOn() throws Exception {
        byte[] body = Reviews.JSON.writeValueAsBytes(Reviews.isvcReview("CREATE", "default",
                HostileObjects.bigAnnotations("annotated", 1, 400_000), null));
        assertTrue(LargeReviews.isLarge(body));
        int clients = 12;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        List<java.util.concurrent.Future<Response>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < clients; i++) {
            answers.add(pool.submit(() -> Reviews.post(url("/validate"), body)));
        }
        for (int i = 0; i < 20; i++) {
            assertTrue(small("/validate").path("allowed").asBoolean(), "small reviews are answered meanwhile");
        }
        int judged = 0;
        int refused = 0;
        for (java.util.concurrent.Future<Response> f : answers) {
            Response r = f.get();
            if (r.statusCode() == 429) {
                refused++;
                assertEquals("TooManyRequests", Reviews.JSON.readTree(r.asByteArray()).path("reason").asText(), r.asString());
            } else {
                assertEquals(200, r.statusCode(), r.asString());
                assertFalse(Reviews.response(r).path("allowed").asBoolean(true), "judged: the bad window annotation is refused");
                judged++;
            }
        }
        pool.shutdown();
        System.out.printf("%d large reviews at once: %d judged, %d refused with 429%n", clients, judged, refused);
        assertEquals(clients, judged + refused);
        assertTrue(judged >= 1, "at least the first one is judged");
    }

    @Test
    void hugeAnnotationsAreCutInTheAnswerAndTheAuditLineAndANewlineStaysInsideIt() throws Exception {
        ObjectNode review = Reviews.isvcReview("CREATE", "default", HostileObjects.bigAnnotations("annotated", 4, 500_000), null);
        String uid = review.path("request").path("uid").asText();
        try (AuditCapture audit = new AuditCapture()) {
            Response r = Reviews.post(url("/validate"), Reviews.JSON.writeValueAsBytes(review));
            assertEquals(200, r.statusCode());
            assertTrue(r.asByteArray().length < 16 * 1024, "bounded answer: " + r.asByteArray().length + " bytes");
            JsonNode response = Reviews.response(r);
            assertFalse(response.path("allowed").asBoolean(true), "the bad window is refused: " + r.asString());
            String message = response.path("status").path("details").path("causes").get(0).path("message").asText();
            assertTrue(message.contains("...[cut, "), "a cut value is marked: " + message);
            AuditLogFlush.flush();
            String line = audit.lineOf(uid);
            assertTrue(line.length() < 16 * 1024, "bounded audit line: " + line.length());
            assertFalse(line.contains("\n"), "one line");
        }
    }

    @Test
    void aNewlineInTheUidCannotForgeALine() throws Exception {
        ObjectNode review = Reviews.isvcReview("CREATE", "default", HostileObjects.isvc("nl"), null);
        String uid = "u-" + UUID.randomUUID() + "\n{\"forged\":true}";
        ((ObjectNode) review.path("request")).put("uid", uid);
        try (AuditCapture audit = new AuditCapture()) {
            Response r = Reviews.post(url("/validate"), review);
            assertEquals(200, r.statusCode());
            assertEquals(uid, Reviews.response(r).path("uid").asText(), "the uid is echoed as sent");
            AuditLogFlush.flush();
            String line = audit.lineOf(uid.substring(0, 38));
            assertFalse(line.contains("\n"), "the audit line escapes it: " + line);
        }
        ((ObjectNode) review.path("request")).put("uid", "x".repeat(ReviewCodec.MAX_UID_LENGTH + 1));
        Response r = Reviews.post(url("/validate"), review);
        assertEquals(400, r.statusCode(), "a uid no API server sends is a bad request");
        assertTrue(r.asString().length() < 1024, r.asString());
    }

    /**
     * A kind or a name of any length and characters comes back cut and escaped: it can neither make the answer long,
     * break its line, steer a terminal, reorder what is read, nor end its own quotes.
     */
    @Test
    void aStrangeKindOrNameComesBackCutAndEscaped() throws Exception {
        String strange = "Evil\n\u202e\u001b[2J\"" + "A".repeat(200_000);
        ObjectNode isvc = HostileObjects.isvc("k");
        isvc.put("kind", strange);
        Response kind = Reviews.post(url("/validate"), Reviews.isvcReview("CREATE", "default", isvc, null));
        assertEquals(200, kind.statusCode());
        String kindMessage = Reviews.response(kind).path("status").path("message").asText();
        assertTrue(kindMessage.startsWith("request.object is a \"Evil\\u000a\\u202e\\u001b[2J\\\"AAA"), kindMessage);
        assertTrue(kindMessage.length() < 600, "bounded: " + kindMessage.length());

        ObjectNode named = HostileObjects.isvc("n");
        ((ObjectNode) named.path("metadata")).put("name", "x\n\u202eEVIL\u001b[31m\"quote");
        ((ObjectNode) named.path("spec").path("predictor")).put("minReplicas", -1);
        JsonNode status = Reviews.response(Reviews.post(url("/validate"), Reviews.isvcReview("CREATE", "default", named, null))).path("status");
        String message = status.path("message").asText();
        assertTrue(message.contains("\"x\\u000a\\u202eEVIL\\u001b[31m\\\"quote\" is invalid"), message);
        assertFalse(status.path("details").path("name").asText().chars().anyMatch(c -> c < 0x20 || c == 0x202e), status.toString());
    }

    /** A form or multipart Content-Type does not change how the body is read: the review is judged, with its audit line. */
    @Test
    void aFormContentTypeIsReadAsTheBodyItIs() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(TrustAll.context()).build();
        for (String type : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain")) {
            ObjectNode review = Reviews.isvcReview("CREATE", "default", HostileObjects.bigAnnotations("form", 1, 20_000), null);
            String uid = review.path("request").path("uid").asText();
            try (AuditCapture audit = new AuditCapture()) {
                java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/validate")))
                        .header("Content-Type", type).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(Reviews.JSON.writeValueAsBytes(review)))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                Trails.settle();
                assertEquals(200, r.statusCode(), type + ": " + r.body());
                assertEquals(uid, Reviews.JSON.readTree(r.body()).path("response").path("uid").asText(), type);
                AuditLogFlush.flush();
                assertTrue(audit.lineOf(uid).contains("\"decision\""), type + ": an audit line");
            }
            java.net.http.HttpResponse<String> bad = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/validate")))
                    .header("Content-Type", type).POST(java.net.http.HttpRequest.BodyPublishers.ofString("a=" + "b".repeat(20_000))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode(), type + ": " + bad.body());
            assertEquals("Status", Reviews.JSON.readTree(bad.body()).path("kind").asText(), type + ": " + bad.body());
        }
    }

    @Test
    void requestValuesNeverBecomeMetricLabels() {
        String marker = "op" + UUID.randomUUID().toString().replace("-", "");
        for (int i = 0; i < 30; i++) {
            ObjectNode review = Reviews.isvcReview("CREATE", "default", HostileObjects.isvc("labels"), null);
            ((ObjectNode) review.path("request")).put("operation", marker + i + "x".repeat(i * 1000));
            assertEquals(200, Reviews.post(url("/validate"), review).statusCode());
        }
        String metrics = RestAssured.given().relaxedHTTPSValidation().get("https://localhost:" + managementPort + "/q/metrics")
                .then().statusCode(200).extract().asString();
        assertFalse(metrics.contains(marker), "no request value is a label");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("isvc_webhook_reviews_total") && l.contains("operation=\"other\"")),
                "made-up operations are counted as other");
        assertTrue(metrics.contains("isvc_webhook_audit_dropped_total"), "audit losses are a metric");
    }

    /** A KEDA InferenceService whose External metric has the given target.value. */
    private static ObjectNode kedaTarget(JsonNode value) {
        ObjectNode isvc = HostileObjects.isvc("keda");
        ((ObjectNode) isvc.path("metadata")).putObject("annotations").put("serving.kserve.io/deploymentMode", "Standard")
                .put("serving.kserve.io/autoscalerClass", "keda");
        ObjectNode predictor = (ObjectNode) isvc.path("spec").path("predictor");
        predictor.remove("scaleMetric");
        predictor.remove("scaleTarget");
        ObjectNode metric = predictor.putObject("autoScaling").putArray("metrics").addObject();
        metric.put("type", "External");
        ObjectNode external = metric.putObject("external");
        external.putObject("metric").put("backend", "prometheus").put("serverAddress", "http://prometheus:9090").put("query", "up");
        external.putObject("target").put("type", "Value").set("value", value);
        return isvc;
    }

    /** A container requesting and limiting the given amount of GPUs. */
    private static ObjectNode gpuAmount(JsonNode amount) {
        ObjectNode isvc = HostileObjects.isvc("gpu");
        ObjectNode resources = ((ObjectNode) isvc.path("spec").path("predictor").path("model")).putObject("resources");
        resources.putObject("limits").set("nvidia.com/gpu", amount);
        resources.putObject("requests").set("nvidia.com/gpu", amount);
        return isvc;
    }

    @Test
    void numbersOfAnySizeAreFindingsNeverInternalErrors() throws Exception {
        List<String> numbers = List.of("1e400", "-1e400", "1e-400", "1e999999999", "1E+2147483648", "NaN", "Infinity", "0x10",
                "9".repeat(99), "9".repeat(10_000), "1." + "0".repeat(5000) + "1");
        for (String n : numbers) {
            List<JsonNode> forms = new java.util.ArrayList<>(List.of(Reviews.JSON.getNodeFactory().textNode(n)));
            if (n.matches("[-+0-9.eE]+") && n.length() <= 100) {
                forms.add(Reviews.JSON.readTree(n)); // as a JSON number, as the API server's decoder may pass it on
            }
            for (JsonNode form : forms) {
                for (ObjectNode isvc : List.of(kedaTarget(form), gpuAmount(form))) {
                    Response r = Reviews.post(url("/validate"), Reviews.isvcReview("CREATE", "default", isvc, null));
                    String what = isvc.path("metadata").path("name").asText() + " " + (form.isNumber() ? "number " : "string ")
                            + n.substring(0, Math.min(20, n.length()));
                    assertEquals(200, r.statusCode(), what + ": " + r.asString());
                    JsonNode response = Reviews.response(r);
                    assertTrue(response.path("status").path("code").asInt() != 500, what + " is an internal error: " + r.asString());
                    if (isvc.path("metadata").path("name").asText().equals("gpu")) { // no whole number of GPUs up to 2^31
                        assertFalse(response.path("allowed").asBoolean(true), what + " is refused as a finding: " + r.asString());
                        assertTrue(response.path("status").path("message").asText().contains("[gpu-resources]"), r.asString());
                    }
                }
            }
        }
        String json = Reviews.JSON.writeValueAsString(Reviews.isvcReview("CREATE", "default", kedaTarget(Reviews.JSON.getNodeFactory().numberNode(1)), null))
                .replace("\"value\":1", "\"value\":" + "9".repeat(200));
        Response r = Reviews.post(url("/validate"), json.getBytes(StandardCharsets.UTF_8));
        assertEquals(400, r.statusCode(), "a 200-digit JSON number is over the webhook's limit: " + r.asString());
        assertNoImplementationNames(r.asString());
    }

    private static void assertNoImplementationNames(String body) {
        for (String leak : List.of("io.fabric8", "java.", "com.fasterxml", "`", "Exception", "StreamReadConstraints", "\tat ")) {
            assertFalse(body.contains(leak), "names an implementation type (" + leak + "): " + body);
        }
    }

    @Test
    void badRequestsNameNoJavaTypes() throws Exception {
        ObjectNode review = Reviews.isvcReview("CREATE", "default", HostileObjects.isvc("types"), null);
        ((ObjectNode) review.path("request")).put("userInfo", "alice");
        Response r = Reviews.post(url("/validate"), review);
        assertEquals(200, r.statusCode());
        String message = Reviews.response(r).path("status").path("message").asText();
        assertEquals(400, Reviews.response(r).path("status").path("code").asInt(), r.asString());
        assertTrue(message.contains("request.userInfo"), "says where: " + message);
        assertNoImplementationNames(r.asString());

        ObjectNode groups = Reviews.isvcReview("CREATE", "default", HostileObjects.isvc("types"), null);
        ((ObjectNode) groups.path("request").path("userInfo")).putObject("groups").put("a", 1);
        r = Reviews.post(url("/validate"), groups);
        assertTrue(Reviews.response(r).path("status").path("message").asText().contains("request.userInfo.groups must be a list"), r.asString());
        assertNoImplementationNames(r.asString());

        r = Reviews.post(url("/validate"), ("{\"a\":" + "[".repeat(500) + "]".repeat(500) + "}").getBytes(StandardCharsets.UTF_8));
        assertEquals(400, r.statusCode());
        assertTrue(r.asString().contains("exceeds a limit"), r.asString());
        assertNoImplementationNames(r.asString());
        r = Reviews.post(url("/validate"), "{\"apiVersion\": 1, ".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, r.statusCode());
        assertNoImplementationNames(r.asString());
    }

    /** A client that trusts any certificate and offers only the given protocol and suites. */
    private SSLSocket socket(String protocol, String... suites) throws Exception {
        SSLContext ctx = TrustAll.context();
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", httpsPort);
        s.setSoTimeout(60_000);
        s.setEnabledProtocols(new String[] {protocol});
        if (suites.length > 0) {
            s.setEnabledCipherSuites(suites);
        }
        return s;
    }

    @Test
    void tls12OffersAeadSuitesOnlyAndTls13Works() throws Exception {
        try (SSLSocket s = socket("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")) {
            assertThrows(IOException.class, s::startHandshake, "a TLS 1.2 client with CBC suites only is refused");
        }
        try (SSLSocket s = socket("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")) {
            s.startHandshake();
            assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", s.getSession().getCipherSuite());
        }
        try (SSLSocket s = socket("TLSv1.3")) {
            s.startHandshake();
            assertEquals("TLSv1.3", s.getSession().getProtocol());
        }
    }

    /** Sends a GET and reads its whole answer (headers and a Content-Length body); "" when the server closed. */
    private static String get(SSLSocket s) throws IOException {
        send(s, "GET /q/none HTTP/1.1\r\nHost: localhost\r\n\r\n");
        return answer(s);
    }

    @Test
    void aClientMayNotRenegotiate() throws Exception {
        assertEquals("true", System.getProperty(RequestDeadline.REJECT_RENEGOTIATION));
        try (SSLSocket s = socket("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")) {
            s.startHandshake();
            assertTrue(get(s).startsWith("HTTP/1.1 404"), "the connection works before");
            assertThrows(IOException.class, () -> {
                s.startHandshake(); // a renegotiation: a new ClientHello on the established connection
                String answer = get(s);
                if (!answer.isEmpty()) {
                    throw new AssertionError("answered after a renegotiation: " + answer);
                }
                throw new IOException("closed");
            });
        }
    }

    /**
     * Two requests that never finish, side by side: one whose body stops after a few bytes, one whose body never
     * starts (headers only). Both lose their connection at the request deadline (webhook.http.request-timeout,
     * 10 s in tests), not at the idle timeout, though the second sends nothing the route could read.
     */
    @Test
    void aRequestWhoseBodyNeverEndsOrNeverStartsIsCut() throws Exception {
        try (SSLSocket stops = socket("TLSv1.3"); SSLSocket silent = socket("TLSv1.3")) {
            String head = "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
            send(stops, head + "{\"a\":");
            send(silent, head);
            for (SSLSocket s : List.of(stops, silent)) {
                s.setSoTimeout(25_000); // past the deadline (10 s), before the idle timeout (30 s) would close it anyway
                int read;
                try {
                    read = s.getInputStream().read(); // the server gives up on the body and closes
                } catch (java.net.SocketTimeoutException e) {
                    throw new AssertionError("not cut at the request deadline", e);
                } catch (IOException e) {
                    read = -1;
                }
                assertEquals(-1, read, "the connection is closed, not answered");
            }
        }
        assertTrue(small("/validate").path("allowed").asBoolean(), "other requests are answered");
    }

    /**
     * A body in many pieces (chunked transfer coding, each piece flushed on its own) is read whole and judged; a
     * chunked body over the 4 MiB limit, which has no Content-Length to refuse it by, is answered 413 once its
     * bytes pass the limit; an Expect the server cannot meet is answered 417; both then lose their connection.
     */
    @Test
    void aBodyInPiecesIsReadWholeAndTheLimitHoldsWithoutContentLength() throws Exception {
        byte[] review = Reviews.JSON.writeValueAsBytes(Reviews.isvcReview("CREATE", "default", HostileObjects.isvc("in-pieces"), null));
        String chunked = "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        try (SSLSocket s = socket("TLSv1.3")) {
            send(s, chunked);
            for (int at = 0; at < review.length; at += 100) {
                int n = Math.min(100, review.length - at);
                send(s, Integer.toHexString(n) + "\r\n" + new String(review, at, n, StandardCharsets.UTF_8) + "\r\n");
                Thread.sleep(2); // so that the server reads the pieces apart
            }
            send(s, "0\r\n\r\n");
            String answer = answer(s);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            JsonNode response = Reviews.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).path("response");
            assertTrue(response.path("allowed").asBoolean(), answer);
        }
        try (SSLSocket s = socket("TLSv1.3")) {
            send(s, chunked);
            String piece = " ".repeat(64 * 1024);
            String status = "";
            for (int sent = 0; sent <= 5 * 1024 * 1024 && status.isEmpty(); sent += piece.length()) {
                try {
                    send(s, Integer.toHexString(piece.length()) + "\r\n" + piece + "\r\n");
                } catch (IOException closed) {
                    break; // the server answered and closed while we were still sending
                }
                if (sent > 4 * 1024 * 1024) {
                    status = answer(s);
                }
            }
            if (status.isEmpty()) {
                status = answer(s);
            }
            assertTrue(status.startsWith("HTTP/1.1 413"), status);
            int after;
            try {
                after = s.getInputStream().read();
            } catch (IOException closed) {
                after = -1;
            }
            assertEquals(-1, after, "the connection is closed after the 413, not read on");
        }
        try (SSLSocket s = socket("TLSv1.3")) {
            send(s, "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nExpect: a-miracle\r\n"
                    + "Content-Length: " + review.length + "\r\n\r\n");
            String answer = answer(s);
            assertTrue(answer.startsWith("HTTP/1.1 417"), answer);
            assertEquals(-1, s.getInputStream().read(), "then the connection is closed: its body is not read");
        }
        assertTrue(small("/validate").path("allowed").asBoolean(), "other requests are answered");
    }

    /**
     * Bodies held at once are bounded (four of the largest size, 16 MiB): with four nearly whole 4 MiB bodies stalled,
     * a fifth large body is answered 429 at once and loses its connection, instead of filling the heap; once the
     * stalled connections are gone their bytes are given back and a large review is judged again.
     */
    @Test
    void bodiesHeldAtOnceAreBoundedAndGivenBack() throws Exception {
        int max = 4 * 1024 * 1024;
        byte[] fifth = Reviews.JSON.writeValueAsBytes(Reviews.isvcReview("CREATE", "default",
                HostileObjects.bigAnnotations("fifth", 1, 900_000), null));
        String head = "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ";
        List<SSLSocket> stalled = new java.util.ArrayList<>();
        try {
            String refused = "";
            // Stalled nearly whole 4 MiB bodies, one more each round, until a large body is refused: four fill the
            // budget; more rounds only if the server has not read them all yet, or another test's hold is still there.
            for (int round = 0; round < 12 && !refused.startsWith("HTTP/1.1 429"); round++) {
                SSLSocket held = socket("TLSv1.3");
                stalled.add(held);
                try {
                    send(held, head + max + "\r\n\r\n");
                    held.getOutputStream().write(new byte[max - 64 * 1024]);
                    held.getOutputStream().flush();
                } catch (IOException closedWhileSending) { // refused already (or cut at the deadline): read why
                    String why;
                    try {
                        why = answer(held);
                    } catch (IOException reset) {
                        why = "";
                    }
                    if (why.startsWith("HTTP/1.1 429")) {
                        refused = why;
                    }
                    continue;
                }
                if (round < 3) {
                    continue;
                }
                Thread.sleep(200); // let the server read what was sent
                try (SSLSocket s = socket("TLSv1.3")) {
                    send(s, head + fifth.length + "\r\n\r\n");
                    s.getOutputStream().write(fifth);
                    s.getOutputStream().flush();
                    refused = answer(s);
                    if (refused.startsWith("HTTP/1.1 429")) {
                        assertEquals(-1, s.getInputStream().read(), "the connection of a refused body is closed");
                    }
                } catch (IOException closedWhileSending) {
                    refused = "closed while sending";
                    break;
                }
            }
            assertTrue(refused.startsWith("HTTP/1.1 429") && refused.contains("TooManyRequests") || refused.equals("closed while sending"),
                    refused);
        } finally {
            for (SSLSocket s : stalled) {
                s.close();
            }
        }
        Response judged = null;
        for (int attempt = 0; attempt < 100 && (judged == null || judged.statusCode() != 200); attempt++) {
            if (judged != null) {
                Thread.sleep(100); // the server sees the closed connections and gives their bytes back
            }
            judged = Reviews.post(url("/validate"), fifth);
        }
        assertEquals(200, judged.statusCode(), judged.asString());
        assertTrue(small("/validate").path("allowed").asBoolean(), "small reviews are answered throughout");
    }

    private static void send(SSLSocket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    /** Reads one answer: its headers and its Content-Length body; what came before the server closed, if it did. */
    private static String answer(SSLSocket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return head.toString();
            }
            head.append((char) c);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
