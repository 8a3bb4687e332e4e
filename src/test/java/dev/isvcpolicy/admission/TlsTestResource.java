package dev.isvcpolicy.admission;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Makes the self-signed keystore the test profile serves HTTPS with (keytool ships with every JDK). */
public class TlsTestResource implements QuarkusTestResourceLifecycleManager {

    static final Path KEYSTORE = Path.of("target/test-tls/webhook.p12");

    @Override
    public Map<String, String> start() {
        try {
            if (!Files.exists(KEYSTORE)) {
                Files.createDirectories(KEYSTORE.getParent());
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                        "-genkeypair", "-alias", "webhook", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "7",
                        "-storetype", "PKCS12", "-keystore", KEYSTORE.toString(), "-storepass", "test-only")
                        .inheritIO().start();
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException("keytool failed to make " + KEYSTORE);
                }
            }
            return Map.of("quarkus.tls.key-store.p12.path", KEYSTORE.toAbsolutePath().toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test keystore", e);
        }
    }

    @Override
    public void stop() {
    }
}
