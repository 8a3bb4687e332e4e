package dev.isvcpolicy.admission;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
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
 * <p>
 * The timer is started only for a request that is still open once the event loop has done the reading in
 * hand ({@link #watch}): what the API server sends, a review of a few KB, is read, judged and answered in
 * the same turn of the loop, and never needs one. A timer set and cancelled for every request cost about
 * 4 % of a paced request's latency (docs/performance.md, thirteenth pass).
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

    /** {@code webhook.http.request-timeout} in milliseconds, read once at start. */
    private long millis;

    void onStart(@Observes StartupEvent event) {
        rejectClientRenegotiation();
        millis = Math.max(1, config.http().requestTimeout().toMillis());
    }

    /**
     * Holds the request of {@code ctx}, whose route began at {@code startNanos} ({@link System#nanoTime()}),
     * to the deadline: once the event loop has finished what it is reading now, a request not yet answered
     * gets a timer for the time it has left, which cuts its connection (HTTP/1.1) or stream (HTTP/2) unless
     * the answer ends first. Call it on the request's event loop, from its route.
     */
    void watch(RoutingContext ctx, long startNanos) {
        ctx.vertx().getOrCreateContext().runOnContext(v -> {
            if (ctx.response().ended() || ctx.response().closed()) {
                return;
            }
            long left = Math.max(1, millis - (System.nanoTime() - startNanos) / 1_000_000);
            long timer = ctx.vertx().setTimer(left, id -> cut(ctx));
            ctx.addEndHandler(done -> ctx.vertx().cancelTimer(timer));
        });
    }

    private static void cut(RoutingContext ctx) {
        if (!ctx.response().ended() && !ctx.response().closed()) {
            if (ctx.request().version() == HttpVersion.HTTP_2) {
                ctx.request().response().reset(8); // CANCEL, this stream only; the connection's others go on
            } else {
                ctx.request().connection().close();
            }
        }
    }
}
