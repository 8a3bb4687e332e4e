package dev.isvcpolicy.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The production TLS configuration ("webhook", which HostileInputTest cannot start: it needs the
 * mounted PEM files) has the same AEAD-only suites as the default one that HostileInputTest checks
 * over the wire, and every way of starting the server refuses client renegotiation.
 */
class TlsSettingsTest {

    private static Properties properties() throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            p.load(r);
        }
        return p;
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void bothTlsConfigurationsOfferAeadSuitesOnly() throws Exception {
        Properties p = properties();
        List<String> defaults = list(p.getProperty("quarkus.tls.cipher-suites", ""));
        List<String> webhook = list(p.getProperty("%prod.quarkus.tls.webhook.cipher-suites", ""));
        assertFalse(defaults.isEmpty());
        assertEquals(defaults, webhook, "the admission port (webhook) and the default configuration offer the same suites");
        for (String suite : defaults) {
            assertTrue(suite.contains("_GCM_") || suite.contains("CHACHA20_POLY1305"), "an AEAD suite: " + suite);
            assertTrue(suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_") || suite.startsWith("TLS_ECDHE_"),
                    "TLS 1.3 or ECDHE (forward secrecy): " + suite);
        }
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), list(p.getProperty("%prod.quarkus.tls.webhook.protocols")));
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), list(p.getProperty("quarkus.tls.protocols")));
        for (String key : List.of("quarkus.http.idle-timeout", "quarkus.http.limits.max-header-size", "quarkus.http.limits.max-body-size",
                "quarkus.tls.handshake-timeout", "%prod.quarkus.tls.webhook.handshake-timeout")) {
            assertFalse(p.getProperty(key, "").isBlank(), key + " is set");
        }
    }

    @Test
    void everyStartRefusesClientRenegotiation() throws Exception {
        String flag = "-D" + RequestDeadline.REJECT_RENEGOTIATION + "=true";
        assertTrue(Files.readString(Path.of("src/main/docker/Dockerfile.jvm")).contains(flag), "JVM image");
        assertTrue(Files.readString(Path.of("src/main/docker/Dockerfile.native")).contains(flag), "native image");
        assertTrue(Files.readString(Path.of("src/main/java/dev/isvcpolicy/Main.java"))
                .contains("System.setProperty(\"" + RequestDeadline.REJECT_RENEGOTIATION + "\", \"true\")"), "the jar's main class");
    }
}
