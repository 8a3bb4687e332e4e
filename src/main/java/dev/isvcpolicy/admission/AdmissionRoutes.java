package dev.isvcpolicy.admission;

import dev.isvcpolicy.config.WebhookConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The HTTP side of the admission port, as plain Vert.x routes on the event loop: {@code POST /mutate} and
 * {@code POST /validate} (bytes in, AdmissionReview out, through {@link AdmissionHandler#handle}), and
 * {@code POST /noop} when {@code webhook.bench.noop-endpoint=true}, the floor for {@code bench/run.sh}.
 * A body larger than {@code quarkus.http.limits.max-body-size} is answered 413 (before it is read when its
 * {@code Content-Length} says so, else as soon as its bytes pass the limit); any other method on these paths
 * 405; any other path 404. No REST framework and no body handler: one route per path reads the body and
 * judges it; the handler never blocks, so the review is decided on the event loop that read it and the answer
 * is written back from there, before the review's audit line and metrics are made
 * ({@link AdmissionHandler#leaveTrail}).
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

    @Inject
    RequestDeadline deadline;

    /** {@code quarkus.http.limits.max-body-size} in bytes, read once. */
    private long bodyLimit;

    void routes(@Observes Router router) {
        bodyLimit = maxBodySize.asLongValue();
        router.post("/mutate").handler(ctx -> read(ctx, body -> answer(ctx, Endpoint.MUTATE, body)));
        router.post("/validate").handler(ctx -> read(ctx, body -> answer(ctx, Endpoint.VALIDATE, body)));
        if (config.bench().noopEndpoint()) {
            router.post("/noop").handler(ctx -> read(ctx, body -> ctx.response().setStatusCode(200)
                    .putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(NOOP_ANSWER)));
        }
    }

    /**
     * Reads the request's body whole, as bytes, and gives it to {@code then} on the event loop; what vertx-web's
     * {@code BodyHandler} did here, in the route itself. A body whose bytes pass
     * {@code quarkus.http.limits.max-body-size} fails the request with 413 as soon as they do (a {@code Content-Length}
     * over it never gets here: Quarkus answers it 413 itself, and closes); an {@code Expect} other than {@code 100-continue} with 417; {@code 100 Continue} is written when asked.
     * The body is bytes whatever the {@code Content-Type}: a form or multipart body is judged as any other, as JSON
     * or a 400 Status that says why not ({@code BodyHandler} would have decoded a form itself and failed on it before
     * the review was read, leaving no Status answer and no audit line). The request deadline is watched from here
     * ({@link RequestDeadline#watch}).
     */
    private void read(RoutingContext ctx, Consumer<byte[]> then) {
        long start = System.nanoTime();
        HttpServerRequest request = ctx.request();
        String expect = request.getHeader(HttpHeaders.EXPECT);
        if (expect != null) {
            if (!expect.equalsIgnoreCase("100-continue")) {
                closeAfterAnswer(ctx);
                ctx.fail(417);
                return;
            }
            if (request.version() != HttpVersion.HTTP_1_0) {
                ctx.response().writeContinue();
            }
        }
        if (request.isEnded()) {
            then.accept(new byte[0]);
            return;
        }
        Body body = new Body(ctx, bodyLimit, then);
        request.handler(body).endHandler(body::end).resume();
        deadline.watch(ctx, start);
    }

    /**
     * Ends the connection (HTTP/1.1) or the stream (HTTP/2, with NO_ERROR after the complete answer: RFC 9113 8.1)
     * of a request answered before its body has ended, once the answer is written: nothing more of it is read, and
     * no deadline is left to watch it.
     */
    private static void closeAfterAnswer(RoutingContext ctx) {
        ctx.addEndHandler(done -> {
            if (ctx.request().version() == HttpVersion.HTTP_2) {
                ctx.request().response().reset(0);
            } else {
                ctx.request().connection().close();
            }
        });
    }

    /**
     * One request's body as it arrives: the first chunk kept as it is, copied only when a second one comes.
     * A body over {@value LargeReviews#HELD_FROM_BYTES} bytes holds them in the budget ({@link LargeReviews#open})
     * until its answer is written or its connection is gone; when the budget is spent the request is answered 429 at
     * once. The reviews the API server sends every day (2 to 16 KiB) never count, whatever else arrives. A request
     * answered before its body has ended (413, 429) then loses its connection (HTTP/1.1) or stream (HTTP/2), so that
     * nothing more of it is read.
     */
    private final class Body implements Handler<Buffer> {
        private final RoutingContext ctx;
        private final long limit;
        private final Consumer<byte[]> then;
        private Buffer read;
        private boolean owned; // read is a buffer of our own (the chunks were more than one)
        private boolean failed;
        private LargeReviews.Hold hold; // null while the body is small
        private long held; // bytes of this body counted in the hold

        Body(RoutingContext ctx, long limit, Consumer<byte[]> then) {
            this.ctx = ctx;
            this.limit = limit;
            this.then = then;
        }

        @Override
        public void handle(Buffer chunk) {
            if (failed) {
                return;
            }
            long size = (read == null ? 0 : read.length()) + (long) chunk.length();
            if (size > limit) {
                refuse(413);
                return;
            }
            if (size > LargeReviews.HELD_FROM_BYTES) {
                if (hold == null) {
                    LargeReviews.Hold opened = large.open();
                    hold = opened;
                    ctx.addEndHandler(done -> opened.release());
                }
                if (!hold.grow(size - held)) {
                    refuse(429);
                    return;
                }
                held = size;
            }
            if (read == null) {
                read = chunk;
            } else {
                if (!owned) {
                    read = Buffer.buffer((int) Math.min(limit, 2 * size)).appendBuffer(read);
                    owned = true;
                }
                read.appendBuffer(chunk);
            }
        }

        void end(Void ignored) {
            if (!failed) {
                byte[] body = read == null ? new byte[0] : read.getBytes();
                read = null;
                then.accept(body);
            }
        }

        /** Answers {@code status} before the body has ended, and ends the connection or stream once that is written. */
        private void refuse(int status) {
            failed = true;
            read = null;
            closeAfterAnswer(ctx);
            if (status == 429) {
                large.rejected();
                write(ctx, new AdmissionHandler.Answer(429, Responses.tooManyBodyBytes(large.budget())));
            } else {
                ctx.fail(status);
            }
        }
    }

    /**
     * Judges on the event loop that read the body, except a large body ({@link LargeReviews}), which is
     * judged on a thread of its own (one at a time, a few waiting, then 429) so that it cannot stall the
     * small reviews sharing that event loop; its answer is written back on the request's own context.
     */
    private void answer(RoutingContext ctx, Endpoint endpoint, byte[] body) {
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
