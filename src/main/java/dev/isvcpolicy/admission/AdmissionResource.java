package dev.isvcpolicy.admission;

import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code POST /mutate} and {@code POST /validate}: bytes in, AdmissionReview out. A review is judged on
 * the event loop that read it, except a large one ({@link LargeReviews}), which is judged on a thread of
 * its own so that it cannot stall the small reviews sharing that event loop.
 */
@Path("/")
public class AdmissionResource {

    @Inject
    AdmissionHandler handler;

    @Inject
    LargeReviews large;

    @POST
    @Path("mutate")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @NonBlocking
    public Uni<Response> mutate(byte[] body) {
        return judge(Endpoint.MUTATE, body);
    }

    @POST
    @Path("validate")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @NonBlocking
    public Uni<Response> validate(byte[] body) {
        return judge(Endpoint.VALIDATE, body);
    }

    private Uni<Response> judge(Endpoint endpoint, byte[] body) {
        if (!LargeReviews.isLarge(body)) {
            return Uni.createFrom().item(answer(handler.handle(endpoint, body)));
        }
        return Uni.createFrom().<Response>emitter(emitter -> {
            try {
                large.executor().execute(() -> {
                    try {
                        emitter.complete(answer(handler.handle(endpoint, body)));
                    } catch (Throwable e) { // handle() answers every failure itself; this is the last resort
                        emitter.complete(answer(new AdmissionHandler.Answer(500, Responses.badRequest("the webhook failed on this request"))));
                    }
                });
            } catch (RejectedExecutionException e) {
                large.rejected();
                emitter.complete(answer(new AdmissionHandler.Answer(429, Responses.tooManyLarge(LargeReviews.QUEUE + 1))));
            }
        });
    }

    private static Response answer(AdmissionHandler.Answer answer) {
        return Response.status(answer.httpStatus()).type(MediaType.APPLICATION_JSON)
                .entity(ReviewCodec.encode(answer.body())).build();
    }
}
