package dev.isvcpolicy.tls;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import javax.net.ssl.SSLSession;

/**
 * Test sources only: {@code GET /test-only/tls-session} answers the class of the server's own TLS session on
 * the request's connection and its protocol, so a test can see which engine really served the handshake
 * (netty's OpenSSL engine or the JDK's), not only which one was configured.
 */
@ApplicationScoped
public class TlsSessionRoute {

    public static final String PATH = "/test-only/tls-session";

    void routes(@Observes Router router) {
        router.get(PATH).handler(ctx -> {
            SSLSession session = ctx.request().sslSession();
            ctx.response().end(session == null ? "none" : session.getClass().getName() + " " + session.getProtocol());
        });
    }
}
