package dev.isvcpolicy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isvcpolicy.admission.TlsTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The fallback: webhook.tls.engine=jdk serves with the JDK's SSLEngine, the same protocols, and refuses the old ones. */
@QuarkusTest
@TestProfile(TlsEngineJdkTest.JdkEngine.class)
@QuarkusTestResource(TlsTestResource.class)
class TlsEngineJdkTest {

    public static class JdkEngine implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("webhook.tls.engine", "jdk");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-ssl-port")
    int port;

    @Inject
    TlsEngine engine;

    @Test
    void theJdkEngineServesTls13AndTls12() throws Exception {
        assertEquals("JDK SSLEngine", engine.serving());
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            String session = TlsProbe.serverSession(port, protocol);
            assertTrue(session.startsWith("sun.security.ssl."), "the server's session: " + session);
            assertTrue(session.endsWith(" " + protocol), session);
        }
    }

    @Test
    void tls11IsRefusedByTheServer() throws Exception {
        String out = TlsProbe.sClient(port, "-tls1_1");
        assertTrue(TlsProbe.refusedAsOldProtocol(out), out);
    }
}
