package dev.isvcpolicy.tls;

import dev.isvcpolicy.config.WebhookConfig;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Which TLS implementation serves the admission port ({@code webhook.tls.engine}): {@code auto} (the
 * default) takes OpenSSL, that is BoringSSL from netty-tcnative, where its native library loads (the JVM
 * on linux-x86_64), and the JDK's own SSLEngine everywhere else, the native image included; {@code openssl}
 * insists on OpenSSL (start-up fails with the reason when it cannot load); {@code jdk} always takes the
 * JDK's. Either engine gets the same protocols (TLS 1.3 and 1.2), suites, handshake timeout and key manager
 * ({@link FileKeyManager}, asked for the current pair at every handshake, so a rotated certificate is
 * served without a restart under both). OpenSSL costs less CPU per request than the JDK's engine
 * (docs/performance.md, docs/decisions.md). The choice is logged at start-up.
 */
@ApplicationScoped
public class TlsEngine implements HttpServerOptionsCustomizer {

    private static final Logger LOG = Logger.getLogger(TlsEngine.class);

    /** The values of {@code webhook.tls.engine}. */
    public enum Choice {
        AUTO, OPENSSL, JDK;

        /** The choice {@code value} names, any letter case; {@link IllegalArgumentException} naming the key when none. */
        public static Choice of(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("webhook.tls.engine must be auto, openssl or jdk, not '" + value + "'");
            }
        }
    }

    @Inject
    WebhookConfig config;

    private volatile String serving = "none yet";

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        boolean available = !inNativeImage() && openSslAvailable();
        SSLEngineOptions engine = choose(Choice.of(config.tls().engine()), available, this::whyNotOpenSsl);
        options.setSslEngineOptions(engine);
        serving = engine instanceof OpenSSLEngineOptions ? "OpenSSL (" + openSslVersion() + ")" : "JDK SSLEngine";
        LOG.infof("TLS on the admission port: %s, %s (webhook.tls.engine=%s)", serving, options.getEnabledSecureTransportProtocols(),
                config.tls().engine());
    }

    /**
     * The engine for {@code choice} when OpenSSL is {@code available} or not: OpenSSL only where it loads,
     * never silently the JDK's when {@code openssl} was asked for.
     */
    static SSLEngineOptions choose(Choice choice, boolean available, java.util.function.Supplier<String> whyNot) {
        return switch (choice) {
            case JDK -> new JdkSSLEngineOptions();
            case OPENSSL -> {
                if (!available) {
                    throw new IllegalStateException("webhook.tls.engine=openssl but OpenSSL cannot be used here: " + whyNot.get());
                }
                yield new OpenSSLEngineOptions();
            }
            case AUTO -> {
                if (available) {
                    yield new OpenSSLEngineOptions();
                }
                LOG.debugf("OpenSSL is not used: %s", whyNot.get());
                yield new JdkSSLEngineOptions();
            }
        };
    }

    /** What serves TLS on the admission port, e.g. {@code OpenSSL (BoringSSL)} or {@code JDK SSLEngine}. */
    public String serving() {
        return serving;
    }

    static boolean inNativeImage() {
        return System.getProperty("org.graalvm.nativeimage.imagecode") != null;
    }

    private static boolean openSslAvailable() {
        try {
            return OpenSSLEngineOptions.isAvailable();
        } catch (LinkageError e) { // netty-tcnative not on the class path
            return false;
        }
    }

    private static String openSslVersion() {
        return io.netty.handler.ssl.OpenSsl.versionString();
    }

    private String whyNotOpenSsl() {
        if (inNativeImage()) {
            return "a native image serves TLS with the JDK's engine";
        }
        try {
            Throwable cause = io.netty.handler.ssl.OpenSsl.unavailabilityCause();
            return cause == null ? "unknown" : String.valueOf(cause);
        } catch (LinkageError e) {
            return "netty-tcnative is not on the class path";
        }
    }
}
