package dev.isvcpolicy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serving pair read from PEM files: the key formats in use, half-updated pairs, swaps. */
class FileKeyManagerTest {

    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    /** openssl, as cert-manager and certs/make-certs.sh make them. */
    static void openssl(Path dir, String... args) throws Exception {
        Process p = new ProcessBuilder(List.of(args)).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", args) + ": " + out);
    }

    /** A key (in the given form) and a self-signed certificate for it, in dir/name.key and dir/name.crt. */
    static void pair(Path dir, String name, String kind) throws Exception {
        switch (kind) {
            case "rsa-pkcs1" -> openssl(dir, "openssl", "genrsa", "-traditional", "-out", name + ".key", "2048");
            case "ec-sec1" -> openssl(dir, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name + ".key");
            case "ec-pkcs8" -> openssl(dir, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", name + ".key");
            default -> throw new IllegalArgumentException(kind);
        }
        openssl(dir, "openssl", "req", "-x509", "-new", "-key", name + ".key", "-subj", "/CN=localhost", "-days", "2", "-out", name + ".crt");
    }

    static void install(Path dir, String from, String file) throws Exception {
        Files.copy(dir.resolve(from), dir.resolve(file + ".tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(dir.resolve(file + ".tmp"), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void servesTheKeyFormatsInUse(@TempDir Path dir) throws Exception {
        for (String kind : List.of("rsa-pkcs1", "ec-sec1", "ec-pkcs8")) {
            pair(dir, kind, kind);
            FileKeyManager km = new FileKeyManager(vertx, dir.resolve(kind + ".crt"), dir.resolve(kind + ".key"));
            String keyType = kind.startsWith("rsa") ? "RSA" : "EC";
            String alias = km.chooseEngineServerAlias(keyType, null, null);
            assertEquals(km.certificate(), km.getCertificateChain(alias)[0], kind);
            assertEquals(keyType, km.getPrivateKey(alias).getAlgorithm(), kind);
            assertNull(km.chooseEngineServerAlias(keyType.equals("RSA") ? "EC" : "RSA", null, null), kind + ": no key of the other type");
            assertTrue(km.keyStore().containsAlias("webhook"), kind);
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStartAndNotTakenLater(@TempDir Path dir) throws Exception {
        pair(dir, "a", "ec-pkcs8");
        pair(dir, "b", "ec-pkcs8");
        pair(dir, "r", "rsa-pkcs1");
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> new FileKeyManager(vertx, dir.resolve("a.crt"), dir.resolve("b.key")));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
        assertThrows(GeneralSecurityException.class, () -> new FileKeyManager(vertx, dir.resolve("a.crt"), dir.resolve("r.key")));

        install(dir, "a.crt", "tls.crt");
        install(dir, "a.key", "tls.key");
        FileKeyManager km = new FileKeyManager(vertx, dir.resolve("tls.crt"), dir.resolve("tls.key"));
        BigInteger a = km.certificate().getSerialNumber();
        assertFalse(km.refresh(), "unchanged files: nothing to do");

        install(dir, "b.key", "tls.key"); // kubelet or a script half-way: the new key, the old certificate
        assertFalse(km.refresh());
        assertEquals(a, km.certificate().getSerialNumber(), "the half-updated pair is not served");
        install(dir, "b.crt", "tls.crt");
        assertTrue(km.refresh());
        assertNotEquals(a, km.certificate().getSerialNumber());

        install(dir, "r.crt", "tls.crt"); // a switch to an RSA pair, certificate first
        install(dir, "r.key", "tls.key");
        assertTrue(km.refresh());
        assertEquals("RSA", km.getPrivateKey(km.chooseEngineServerAlias("RSA", null, null)).getAlgorithm());
    }

    /** A clock the test moves. */
    static final class MovableClock extends java.time.Clock {
        volatile java.time.Instant now = java.time.Instant.now();

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    @Test
    void aPairThatIsNotValidNowIsNotTakenOnReload(@TempDir Path dir) throws Exception {
        pair(dir, "a", "ec-pkcs8"); // each valid from now for 2 days
        pair(dir, "b", "ec-pkcs8");
        pair(dir, "c", "rsa-pkcs1");
        install(dir, "a.crt", "tls.crt");
        install(dir, "a.key", "tls.key");
        MovableClock clock = new MovableClock();
        FileKeyManager km = new FileKeyManager(vertx, dir.resolve("tls.crt"), dir.resolve("tls.key"), clock);
        BigInteger a = km.certificate().getSerialNumber();

        // b is expired by the clock: a matching pair, but not taken
        clock.now = km.certificate().getNotAfter().toInstant().plusSeconds(60);
        install(dir, "b.crt", "tls.crt");
        install(dir, "b.key", "tls.key");
        assertFalse(km.refresh(), "an expired pair is not taken");
        assertEquals(a, km.certificate().getSerialNumber());
        assertEquals(a, km.getCertificateChain(km.chooseEngineServerAlias("EC", null, null))[0].getSerialNumber());

        // c is not valid yet by the clock
        clock.now = java.time.Instant.now().minus(java.time.Duration.ofDays(1));
        install(dir, "c.crt", "tls.crt");
        install(dir, "c.key", "tls.key");
        assertFalse(km.refresh(), "a pair before its notBefore is not taken");
        assertEquals(a, km.certificate().getSerialNumber());

        // the same files once the clock is inside c's validity: taken
        clock.now = java.time.Instant.now();
        assertTrue(km.refresh(), "a valid pair is taken");
        assertEquals("RSA", km.certificate().getPublicKey().getAlgorithm());
    }

    @Test
    void aHandshakeThatSpansASwapGetsAConsistentPair(@TempDir Path dir) throws Exception {
        pair(dir, "a", "ec-pkcs8");
        pair(dir, "b", "ec-pkcs8");
        install(dir, "a.crt", "tls.crt");
        install(dir, "a.key", "tls.key");
        FileKeyManager km = new FileKeyManager(vertx, dir.resolve("tls.crt"), dir.resolve("tls.key"));
        String aliasBefore = km.chooseEngineServerAlias("EC", null, null);
        install(dir, "b.crt", "tls.crt");
        install(dir, "b.key", "tls.key");
        assertTrue(km.refresh());
        // The alias chosen before the swap still names the old pair, key and chain together.
        FileKeyManager.requireMatch(km.getPrivateKey(aliasBefore), km.getCertificateChain(aliasBefore)[0]);
        String aliasAfter = km.chooseEngineServerAlias("EC", null, null);
        assertNotEquals(aliasBefore, aliasAfter);
        FileKeyManager.requireMatch(km.getPrivateKey(aliasAfter), km.getCertificateChain(aliasAfter)[0]);
        assertEquals(km.certificate(), km.getCertificateChain(aliasAfter)[0]);
    }
}
