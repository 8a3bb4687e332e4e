package dev.isvcpolicy.tls;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.jboss.logging.Logger;

/**
 * The serving certificate, read from PEM files and read again on {@link #refresh()}: the TLS context
 * is built once with this key manager, which hands each new handshake the pair that is current. So a
 * rotation never rebuilds the server's TLS context, and no connection is lost while it happens (Vert.x
 * 4.5 closes connections accepted while it rebuilds one). A new pair is taken only when both files
 * parse, the key matches the certificate, and the certificate is valid now (after its notBefore, before
 * its notAfter); until then the previous pair is served. An expired or not-yet-valid pair would only
 * make every handshake fail: keeping the old pair at least serves until the old one expires.
 */
public final class FileKeyManager extends X509ExtendedKeyManager {

    private static final Logger LOG = Logger.getLogger(FileKeyManager.class);

    /** One loaded pair; its alias names its generation, so a handshake that spans a swap stays consistent. */
    record Pair(String alias, byte[] cert, byte[] key, PrivateKey privateKey, X509Certificate[] chain) {
    }

    private final Vertx vertx;
    private final Path certFile;
    private final Path keyFile;
    private final AtomicLong generation = new AtomicLong();
    private volatile Pair current;
    private volatile Pair previous;
    private volatile String lastProblem;
    private final Clock clock;

    /**
     * Loads the pair; throws when it cannot be served (start-up fails with the reason). A certificate that
     * is not valid now is still taken at start-up (there is nothing else to serve), with a warning.
     */
    public FileKeyManager(Vertx vertx, Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        this(vertx, certFile, keyFile, Clock.systemUTC());
    }

    /** As above, judging validity by {@code clock} (tests). */
    FileKeyManager(Vertx vertx, Path certFile, Path keyFile, Clock clock) throws IOException, GeneralSecurityException {
        this.vertx = vertx;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.clock = clock;
        this.current = load(Files.readAllBytes(certFile), Files.readAllBytes(keyFile));
        String invalid = invalidNow(current.chain()[0]);
        if (invalid != null) {
            LOG.warnf("the certificate in %s %s; serving it until a valid one is mounted", certFile, invalid);
        }
    }

    /** Why the certificate cannot be served now ("expired on ...", "is not valid before ..."), or null. */
    private String invalidNow(X509Certificate cert) {
        java.time.Instant now = clock.instant();
        if (now.isAfter(cert.getNotAfter().toInstant())) {
            return "expired on " + cert.getNotAfter().toInstant();
        }
        if (now.isBefore(cert.getNotBefore().toInstant())) {
            return "is not valid before " + cert.getNotBefore().toInstant();
        }
        return null;
    }

    /** Reads the files again; returns true when a new pair is now served. Never throws. */
    public synchronized boolean refresh() {
        byte[] cert;
        byte[] key;
        try {
            cert = Files.readAllBytes(certFile);
            key = Files.readAllBytes(keyFile);
        } catch (IOException e) {
            problem("cannot read " + certFile + " or " + keyFile + ": " + e.getMessage());
            return false;
        }
        Pair now = current;
        if (Arrays.equals(cert, now.cert()) && Arrays.equals(key, now.key())) {
            return false;
        }
        try {
            Pair next = load(cert, key);
            String invalid = invalidNow(next.chain()[0]);
            if (invalid != null) {
                problem("the new certificate in " + certFile + " (serial " + next.chain()[0].getSerialNumber().toString(16) + ") "
                        + invalid + ": not taken; still serving serial " + now.chain()[0].getSerialNumber().toString(16)
                        + " (until " + now.chain()[0].getNotAfter().toInstant() + ")");
                return false;
            }
            previous = now;
            current = next;
            lastProblem = null;
            LOG.infof("serving the certificate in %s now (serial %s, until %s)", certFile, next.chain()[0].getSerialNumber().toString(16),
                    next.chain()[0].getNotAfter().toInstant());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            problem("the files in " + certFile.getParent() + " changed but are not a usable pair yet (" + e.getMessage()
                    + "); still serving serial " + now.chain()[0].getSerialNumber().toString(16));
            return false;
        }
    }

    /** The certificate served to new connections. */
    public X509Certificate certificate() {
        return current.chain()[0];
    }

    /** A key store holding the current pair (Quarkus' TLS registry exposes one). */
    public KeyStore keyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        Pair p = current;
        store.setKeyEntry("webhook", p.privateKey(), new char[0], p.chain());
        return store;
    }

    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            LOG.warn(message);
            lastProblem = message;
        }
    }

    private Pair load(byte[] cert, byte[] key) throws GeneralSecurityException {
        // Vert.x's PEM reader: PKCS#8, PKCS#1 RSA and SEC1 EC keys, as Quarkus' own PEM key store reads them.
        PemKeyCertOptions pem = new PemKeyCertOptions().setCertValue(Buffer.buffer(cert)).setKeyValue(Buffer.buffer(key));
        X509KeyManager km;
        try {
            km = firstX509(pem.getKeyManagerFactory(vertx).getKeyManagers());
        } catch (GeneralSecurityException e) {
            throw e;
        } catch (Exception e) { // unparsable PEM, or a key of another algorithm than the certificate's
            throw new GeneralSecurityException(e.getMessage(), e);
        }
        String alias = null;
        for (String type : new String[] {"EC", "RSA", "EdDSA", "Ed25519", "RSASSA-PSS"}) {
            String[] aliases = km.getServerAliases(type, null);
            if (aliases != null && aliases.length > 0) {
                alias = aliases[0];
                break;
            }
        }
        if (alias == null) {
            throw new GeneralSecurityException("no private key with a certificate");
        }
        PrivateKey privateKey = km.getPrivateKey(alias);
        X509Certificate[] chain = km.getCertificateChain(alias);
        if (privateKey == null || chain == null || chain.length == 0) {
            throw new GeneralSecurityException("no private key with a certificate");
        }
        requireMatch(privateKey, chain[0]);
        return new Pair("webhook-" + generation.incrementAndGet(), cert, key, privateKey, chain);
    }

    /** The key must sign what the certificate's public key verifies: a half-updated pair is refused. */
    static void requireMatch(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519" -> "Ed25519";
            default -> throw new GeneralSecurityException("unsupported key algorithm " + key.getAlgorithm());
        };
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(cert.getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException("the key does not belong to the certificate");
        }
    }

    private static X509KeyManager firstX509(KeyManager[] managers) throws GeneralSecurityException {
        for (KeyManager m : managers) {
            if (m instanceof X509KeyManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 key manager");
    }

    private Pair byAlias(String alias) {
        Pair c = current;
        if (c.alias().equals(alias)) {
            return c;
        }
        Pair p = previous;
        return p != null && p.alias().equals(alias) ? p : null;
    }

    private String serverAlias(String keyType) {
        Pair c = current;
        return keyType == null || keyType.equals(c.privateKey().getAlgorithm())
                || ("EdDSA".equals(keyType) && c.privateKey().getAlgorithm().startsWith("Ed")) ? c.alias() : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return serverAlias(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return serverAlias(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = serverAlias(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Pair p = byAlias(alias);
        return p == null ? null : p.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Pair p = byAlias(alias);
        return p == null ? null : p.privateKey();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
