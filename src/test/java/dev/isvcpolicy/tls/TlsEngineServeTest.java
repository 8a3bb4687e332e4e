package dev.isvcpolicy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isvcpolicy.admission.TlsTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The admission port as it starts by default (webhook.tls.engine=auto) on Linux x86-64/ARM64: OpenSSL
 * serves the handshakes (the server's own session is netty's OpenSSL one), TLS 1.3 and 1.2 are served,
 * TLS 1.1 and 1.0 are refused by the server with protocol_version. HostileInputTest checks the suites and
 * the refused renegotiation over the same server; TlsReloadTest the certificate rotation.
 */
@QuarkusTest
@QuarkusTestResource(TlsTestResource.class)
class TlsEngineServeTest {

    @ConfigProperty(name = "quarkus.http.test-ssl-port")
    int port;

    @Inject
    TlsEngine engine;

    static void assumeShippedPlatform() {
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && ("amd64".equals(arch) || "aarch64".equals(arch)),
                "netty-tcnative is shipped for Linux on x86-64 and ARM64 only");
    }

    @Test
    void openSslServesTls13AndTls12() throws Exception {
        assumeShippedPlatform();
        assertTrue(engine.serving().startsWith("OpenSSL"), engine.serving());
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            String session = TlsProbe.serverSession(port, protocol);
            assertTrue(session.startsWith("io.netty.handler.ssl.") && session.contains("OpenSsl"), "the server's session: " + session);
            assertTrue(session.endsWith(" " + protocol), session);
        }
    }

    @Test
    void tls11AndTls10AreRefusedByTheServer() throws Exception {
        for (String flag : new String[] {"-tls1_1", "-tls1"}) {
            String out = TlsProbe.sClient(port, flag);
            assertTrue(TlsProbe.refusedAsOldProtocol(out), flag + ": " + out);
        }
        String out = TlsProbe.sClient(port, "-tls1_2");
        assertTrue(out.contains("Protocol  : TLSv1.2") || out.contains("TLSv1.2, Cipher is"), "TLS 1.2 through the same client: " + out);
        assertEquals(false, TlsProbe.refusedAsOldProtocol(out));
    }
}
