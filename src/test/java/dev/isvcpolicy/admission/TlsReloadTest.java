package dev.isvcpolicy.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The admission port serves PEM files, as in a cluster, made by certs/make-certs.sh; when the files are
 * replaced, new connections get the new certificate without a restart.
 */
@QuarkusTest
@TestProfile(TlsReloadTest.RotatingPem.class)
@QuarkusTestResource(TlsTestResource.class)
class TlsReloadTest {

    static final Path DIR = Path.of("target/tls-reload").toAbsolutePath();

    /** Serves DIR/tls.crt and DIR/tls.key as in a cluster (FileKeyStoreProvider), checked every second. */
    public static class RotatingPem implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            makeCerts(DIR);
            return Map.of(
                    "quarkus.http.tls-configuration-name", dev.isvcpolicy.tls.FileKeyStoreProvider.NAME,
                    "quarkus.tls." + dev.isvcpolicy.tls.FileKeyStoreProvider.NAME + ".protocols", "TLSv1.3,TLSv1.2",
                    "webhook.tls.cert-file", DIR.resolve("tls.crt").toString(),
                    "webhook.tls.key-file", DIR.resolve("tls.key").toString(),
                    "webhook.tls.check-period", "1s");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-ssl-port")
    int port;

    static void makeCerts(Path out) {
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", "certs/make-certs.sh", "--files-only");
            pb.environment().put("OUT_DIR", out.toString());
            pb.environment().put("SERVICE", "localhost");
            Process run = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!run.waitFor(60, TimeUnit.SECONDS) || run.exitValue() != 0) {
                throw new IllegalStateException("certs/make-certs.sh failed");
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot make certificates in " + out, e);
        }
    }

    static X509Certificate fileCert(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Opens a new TLS connection and returns the certificate the server presents (no trust needed for the check). */
    static X509Certificate served(int port, String... protocols) throws Exception {
        SSLContext ctx = TrustAll.context();
        try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", port)) {
            if (protocols.length > 0) {
                socket.setEnabledProtocols(protocols);
            }
            socket.setSoTimeout(50_000); // only so that a hung server cannot hang the build: ten times any handshake seen under load
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    void newConnectionsSeeTheRotatedCertificateWithoutARestart() throws Exception {
        BigInteger before = fileCert(DIR.resolve("tls.crt")).getSerialNumber();
        assertEquals(before, served(port).getSerialNumber(), "serves the PEM files");

        Path next = DIR.resolveSibling("tls-reload-next");
        makeCerts(next);
        BigInteger after = fileCert(next.resolve("tls.crt")).getSerialNumber();
        assertNotEquals(before, after);
        // While the files change, a client opens new connections without pause: none may be refused.
        AtomicBoolean hammering = new AtomicBoolean(true);
        AtomicInteger handshakes = new AtomicInteger();
        List<String> refused = new CopyOnWriteArrayList<>();
        Thread hammer = new Thread(() -> {
            while (hammering.get()) {
                try {
                    served(port);
                    handshakes.incrementAndGet();
                } catch (Exception e) {
                    refused.add(e.toString());
                }
            }
        });
        hammer.start();
        try {
            // A half-written pair (the new key, the old certificate) is not served: the old pair stays.
            Files.copy(next.resolve("tls.key"), DIR.resolve("tls.key.tmp"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(DIR.resolve("tls.key.tmp"), DIR.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Thread.sleep(2_500);
            assertEquals(before, served(port).getSerialNumber(), "the old pair is served while the key does not match");
            Files.copy(next.resolve("tls.crt"), DIR.resolve("tls.crt.tmp"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(DIR.resolve("tls.crt.tmp"), DIR.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            BigInteger seen = before;
            while (!seen.equals(after) && System.nanoTime() < deadline) {
                Thread.sleep(250);
                seen = served(port).getSerialNumber();
            }
            assertEquals(after, seen, "a new connection gets the new certificate");
            // The expiry metric follows the pair served (monitoring/alerts.yaml: IsvcWebhookCertificateExpiring).
            double expiry = io.micrometer.core.instrument.Metrics.globalRegistry.find(dev.isvcpolicy.tls.FileKeyStoreProvider.EXPIRY_GAUGE)
                    .gauge().value();
            assertEquals(fileCert(next.resolve("tls.crt")).getNotAfter().getTime() / 1000.0, expiry, 1.0);
            Thread.sleep(500);
        } finally {
            hammering.set(false);
            hammer.join();
        }
        assertTrue(handshakes.get() > 20, "the client kept connecting: " + handshakes.get());
        assertTrue(refused.isEmpty(), refused.size() + " of " + (handshakes.get() + refused.size())
                + " connections refused during the rotation: " + refused.stream().limit(3).toList());
    }

    @Test
    void speaksTls12AndTls13() throws Exception {
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            assertTrue(served(port, protocol).getSerialNumber().signum() > 0, protocol);
        }
    }
}
