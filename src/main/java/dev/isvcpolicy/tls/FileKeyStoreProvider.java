package dev.isvcpolicy.tls;

import dev.isvcpolicy.config.WebhookConfig;
import io.quarkus.tls.runtime.KeyStoreAndKeyCertOptions;
import io.quarkus.tls.runtime.KeyStoreProvider;
import io.quarkus.arc.lookup.LookupIfProperty;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The key store of the TLS configuration named {@value #NAME} (the admission and management ports in a
 * cluster): the PEM files {@code webhook.tls.cert-file} and {@code webhook.tls.key-file}, checked every
 * {@code webhook.tls.check-period}, served through one {@link FileKeyManager} so that a rotation needs
 * no restart and no rebuilt TLS context.
 */
@ApplicationScoped
@Identifier(FileKeyStoreProvider.NAME)
// Only where the HTTP server uses this configuration (in a cluster): Quarkus may see the configuration's
// name in the other profiles too, and must not read the cluster's certificate files there.
@LookupIfProperty(name = "quarkus.http.tls-configuration-name", stringValue = FileKeyStoreProvider.NAME)
public class FileKeyStoreProvider implements KeyStoreProvider {

    /** The TLS configuration this provides: {@code quarkus.tls.webhook.*}, {@code quarkus.http.tls-configuration-name=webhook}. */
    public static final String NAME = "webhook";

    @Inject
    WebhookConfig config;

    @Inject
    jakarta.enterprise.inject.Instance<io.micrometer.core.instrument.MeterRegistry> registry;

    /** The metric of the served certificate's end: alerting on it comes before every handshake fails. */
    public static final String EXPIRY_GAUGE = "isvc.webhook.tls.certificate.expiry.timestamp.seconds";

    private volatile FileKeyManager keyManager;
    private ScheduledExecutorService checker;

    @Override
    public synchronized KeyStoreAndKeyCertOptions getKeyStore(Vertx vertx) {
        try {
            if (keyManager == null) {
                keyManager = new FileKeyManager(vertx, Path.of(config.tls().certFile()), Path.of(config.tls().keyFile()));
                long period = config.tls().checkPeriod().toMillis();
                checker = dev.isvcpolicy.Daemons.scheduler("tls-files");
                FileKeyManager km = keyManager;
                checker.scheduleWithFixedDelay(km::refresh, period, period, TimeUnit.MILLISECONDS);
                if (registry.isResolvable()) {
                    // The pair served now (a rotation moves it): an expired one keeps being served and every handshake
                    // then fails, while probes and an insecure scrape do not notice (monitoring/alerts.yaml).
                    io.micrometer.core.instrument.Gauge.builder(EXPIRY_GAUGE, km, m -> m.certificate().getNotAfter().getTime() / 1000.0)
                            .description("When the serving certificate served to new connections expires (notAfter, Unix seconds)")
                            .register(registry.get());
                }
            }
            return new KeyStoreAndKeyCertOptions(keyManager.keyStore(), KeyCertOptions.wrap(keyManager));
        } catch (Exception e) {
            throw new IllegalStateException("cannot serve TLS from " + config.tls().certFile() + " and " + config.tls().keyFile()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The manager serving the files (tests). */
    public FileKeyManager keyManager() {
        return keyManager;
    }

    @PreDestroy
    void stop() {
        if (checker != null) {
            checker.shutdownNow();
        }
    }
}
