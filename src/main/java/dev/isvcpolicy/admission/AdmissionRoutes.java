package dev.isvcpolicy.admission;

import dev.isvcpolicy.config.WebhookConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The HTTP side of the admission port, as plain Vert.x routes on the event loop: {@code POST /mutate} and
 * {@code POST /validate} (bytes in, AdmissionReview out, through {@link AdmissionHandler#handle}), and
 * {@code POST /noop} when {@code webhook.bench.noop-endpoint=true}, the floor for {@code bench/run.sh}.
 * A body larger than {@code quarkus.http.limits.max-body-size} is answered 413 before it is read; any
 * other method on these paths 405; any other path 404. No REST framework: the handler never blocks, so the
 * review is decided on the event loop that read it and the answer is written back from there, before the
 * review's audit line and metrics are made ({@link AdmissionHandler#leaveTrail}).
 */
@ApplicationScoped
public class AdmissionRoutes {

    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

    /** What {@code /noop} answers: a fixed AdmissionReview. */
    private static final Buffer NOOP_ANSWER = Buffer.buffer(
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"\",\"allowed\":true}}"
                    .getBytes(StandardCharsets.UTF_8));

    @Inject
    AdmissionHandler handler;

    @Inject
    WebhookConfig config;

    @Inject
    LargeReviews large;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
    MemorySize maxBodySize;

    void routes(@Observes Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodySize.asLongValue());
        // A route of its own, before the body handler's (Vert.x puts a body handler first on its route).
        router.post("/mutate").handler(AdmissionRoutes::bodyAsIs);
        router.post("/validate").handler(AdmissionRoutes::bodyAsIs);
        router.post("/mutate").handler(body).handler(ctx -> answer(ctx, Endpoint.MUTATE));
        router.post("/validate").handler(body).handler(ctx -> answer(ctx, Endpoint.VALIDATE));
        if (config.bench().noopEndpoint()) {
            router.post("/noop").handler(body).handler(ctx -> ctx.response().setStatusCode(200)
                    .putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(NOOP_ANSWER));
        }
    }

    /**
     * The body is read as bytes whatever the {@code Content-Type}: Vert.x's body handler would decode a form or
     * multipart body itself and fail on it (a long form field) before the review is read, leaving no Status answer
     * and no audit line. Such a body is judged as any other: as JSON, or a 400 Status that says why not.
     */
    private static void bodyAsIs(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        // What the API server sends (application/json) passes with one comparison, without a lower-cased copy.
        if (type != null && !type.startsWith("application/json") && (type.regionMatches(true, 0, "multipart/", 0, 10)
                || type.toLowerCase(java.util.Locale.ROOT).contains("x-www-form-urlencoded"))) {
            ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
        }
        ctx.next();
    }

    /**
     * Judges on the event loop that read the body, except a large body ({@link LargeReviews}), which is
     * judged on a thread of its own (one at a time, a few waiting, then 429) so that it cannot stall the
     * small reviews sharing that event loop; its answer is written back on the request's own context.
     */
    private void answer(RoutingContext ctx, Endpoint endpoint) {
        Buffer in = ctx.body().buffer();
        byte[] body = in == null ? new byte[0] : in.getBytes();
        if (!LargeReviews.isLarge(body)) {
            write(ctx, handler.handle(endpoint, body));
            return;
        }
        io.vertx.core.Context context = ctx.vertx().getOrCreateContext();
        try {
            large.executor().execute(() -> {
                AdmissionHandler.Answer answer;
                try {
                    answer = handler.handle(endpoint, body);
                } catch (Throwable e) { // handle() answers every failure itself; this is the last resort
                    answer = new AdmissionHandler.Answer(500, Responses.badRequest("the webhook failed on this request"));
                }
                AdmissionHandler.Answer done = answer;
                context.runOnContext(v -> write(ctx, done));
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            large.rejected();
            write(ctx, new AdmissionHandler.Answer(429, Responses.tooManyLarge(LargeReviews.QUEUE + 1)));
        }
    }

    /**
     * Writes the answer, then leaves the review's trail once the answer is written to the connection (or could
     * not be): a route runs while Vert.x is still reading, and what it writes is flushed when the read ends, so
     * a trail made in the route would delay the answer by its own time.
     */
    private void write(RoutingContext ctx, AdmissionHandler.Answer answer) {
        // Once, whichever way it ends: written, failed on a closed connection, or end() refused (a stream the
        // request deadline reset, an answer that could not be encoded).
        java.util.concurrent.atomic.AtomicBoolean left = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable trail = () -> {
            if (left.compareAndSet(false, true)) {
                handler.leaveTrail(answer);
            }
        };
        try {
            ctx.response().setStatusCode(answer.httpStatus()).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                    .end(Buffer.buffer(AnswerEncoder.encode(answer.body())), written -> trail.run());
        } catch (RuntimeException e) {
            trail.run();
            throw e;
        }
    }
}
