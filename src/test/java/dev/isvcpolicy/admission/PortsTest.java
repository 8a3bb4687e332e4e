package dev.isvcpolicy.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The admission port speaks HTTPS only; health and metrics answer on the management port, also HTTPS
 * only (the probes in k8s/ use scheme HTTPS), and nowhere else.
 */
@QuarkusTest
@QuarkusTestResource(TlsTestResource.class)
class PortsTest {

    @ConfigProperty(name = "quarkus.http.test-ssl-port")
    int httpsPort;

    @ConfigProperty(name = "quarkus.management.test-port")
    int managementPort;

    @Test
    void healthAndMetricsAreOnTheManagementPortOverHttps() {
        for (String probe : new String[] {"ready", "live", "started"}) {
            RestAssured.given().relaxedHTTPSValidation().get("https://localhost:" + managementPort + "/q/health/" + probe)
                    .then().statusCode(200);
        }
        String metrics = RestAssured.given().relaxedHTTPSValidation().get("https://localhost:" + managementPort + "/q/metrics")
                .then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("jvm_memory_used_bytes"), "Prometheus metrics");
    }

    @Test
    void theAdmissionPortServesNeitherHealthNorMetrics() {
        for (String path : new String[] {"/q/health/ready", "/q/metrics"}) {
            int code = RestAssured.given().relaxedHTTPSValidation().get("https://localhost:" + httpsPort + path).statusCode();
            assertEquals(404, code, path);
        }
    }

    @Test
    void theAdmissionRoutesTakePostOnlyAndNoopIsOffUnlessAskedFor() {
        for (String path : new String[] {"/mutate", "/validate"}) {
            assertEquals(405, RestAssured.given().relaxedHTTPSValidation().get("https://localhost:" + httpsPort + path).statusCode(), path);
        }
        assertEquals(404, RestAssured.given().relaxedHTTPSValidation().body("{}").post("https://localhost:" + httpsPort + "/noop").statusCode());
    }

    @Test
    void plainHttpGetsNoAnswerOnTheAdmissionPort() throws IOException {
        assertNoPlainHttpAnswer(httpsPort);
    }

    @Test
    void plainHttpGetsNoAnswerOnTheManagementPort() throws IOException {
        assertNoPlainHttpAnswer(managementPort);
    }

    private static void assertNoPlainHttpAnswer(int port) throws IOException {
        try (Socket s = new Socket("localhost", port)) {
            s.setSoTimeout(50_000); // only so that a hung server cannot hang the build: ten times any handshake seen under load
            OutputStream out = s.getOutputStream();
            out.write("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[5];
            int n;
            try {
                n = in.readNBytes(buf, 0, 5);
            } catch (IOException closed) {
                n = 0;
            }
            assertFalse(new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("HTTP/"), "no HTTP answer over plain TCP on " + port);
        }
    }
}
