package dev.isvcpolicy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import org.junit.jupiter.api.Test;

/** webhook.tls.engine: OpenSSL only where it loads, the JDK's engine otherwise, never a silent swap when openssl is asked for. */
class TlsEngineChoiceTest {

    @Test
    void autoTakesOpenSslWhereItLoadsAndTheJdkElsewhere() {
        assertInstanceOf(OpenSSLEngineOptions.class, TlsEngine.choose(TlsEngine.Choice.AUTO, true, () -> "-"));
        assertInstanceOf(JdkSSLEngineOptions.class, TlsEngine.choose(TlsEngine.Choice.AUTO, false, () -> "no library"));
    }

    @Test
    void jdkIsTheJdkEvenWhereOpenSslLoads() {
        assertInstanceOf(JdkSSLEngineOptions.class, TlsEngine.choose(TlsEngine.Choice.JDK, true, () -> "-"));
    }

    @Test
    void opensslWhereItCannotLoadFailsStartUpWithTheReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TlsEngine.choose(TlsEngine.Choice.OPENSSL, false, () -> "no libnetty_tcnative for this platform"));
        assertTrue(e.getMessage().contains("no libnetty_tcnative for this platform"), e.getMessage());
        assertInstanceOf(OpenSSLEngineOptions.class, TlsEngine.choose(TlsEngine.Choice.OPENSSL, true, () -> "-"));
    }

    @Test
    void valuesAreAutoOpensslAndJdkInAnyCase() {
        assertEquals(TlsEngine.Choice.OPENSSL, TlsEngine.Choice.of(" OpenSSL "));
        assertEquals(TlsEngine.Choice.JDK, TlsEngine.Choice.of("jdk"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TlsEngine.Choice.of("boringssl"));
        assertTrue(e.getMessage().contains("auto, openssl or jdk"), e.getMessage());
    }

    /** The build ships the library for the platforms the images run on: on them, OpenSSL must really load. */
    @Test
    void theShippedLibraryLoadsOnLinux() {
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && ("amd64".equals(arch) || "aarch64".equals(arch)),
                "netty-tcnative is shipped for Linux on x86-64 and ARM64 only");
        assertTrue(OpenSSLEngineOptions.isAvailable(), "OpenSSL does not load: " + io.netty.handler.ssl.OpenSsl.unavailabilityCause());
    }
}
