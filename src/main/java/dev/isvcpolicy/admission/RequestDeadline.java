package dev.isvcpolicy.admission;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import dev.isvcpolicy.config.WebhookConfig;
import jakarta.inject.Inject;

/**
 * A time limit on each request of the admission port, from its headers to the end of the answer: a
 * client that sends its body slowly (a few bytes a second stay under any idle timeout) or never finishes
 * it loses its connection (HTTP/1.1) or its stream (HTTP/2) after {@code webhook.http.request-timeout}
 * (default 15 s: three times the 5 s the API server waits for an answer, {@code timeoutSeconds}, so a
 * review it still waits for is never cut).
 * Headers are bounded by {@code quarkus.http.limits.max-header-size} and the idle timeout; connections
 * that send nothing by {@code quarkus.http.idle-timeout}.
 */
@ApplicationScoped
public class RequestDeadline {

    /** Also set on the command line and in the images: {@code -Djdk.tls.rejectClientInitiatedRenegotiation=true}. */
    public static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    @Inject
    WebhookConfig config;

    /**
     * Refuses TLS 1.2 renegotiation started by a client (each one costs a full handshake of CPU). The JDK
     * reads the property when its TLS server classes load, so {@code Main} sets it first; this is the
     * second chance for runs without {@code Main} (tests, {@code quarkus:dev}).
     */
    static void rejectClientRenegotiation() {
        System.setProperty(REJECT_RENEGOTIATION, "true");
    }

    void onStart(@Observes StartupEvent event) {
        rejectClientRenegotiation();
    }

    void install(@Observes Router router) {
        long millis = Math.max(1, config.http().requestTimeout().toMillis());
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            long timer = ctx.vertx().setTimer(millis, id -> {
                if (!ctx.response().ended() && !ctx.response().closed()) {
                    if (ctx.request().version() == HttpVersion.HTTP_2) {
                        ctx.request().response().reset(); // this stream only; the connection's others go on
                    } else {
                        ctx.request().connection().close();
                    }
                }
            });
            ctx.addEndHandler(done -> ctx.vertx().cancelTimer(timer));
            ctx.next();
        });
    }
}
