package dev.isvcpolicy.admission;

import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code POST /mutate} and {@code POST /validate}: bytes in, AdmissionReview out. */
@Path("/")
public class AdmissionResource {

    @Inject
    AdmissionHandler handler;

    @POST
    @Path("mutate")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @NonBlocking
    public Response mutate(byte[] body) {
        return answer(handler.handle(Endpoint.MUTATE, body));
    }

    @POST
    @Path("validate")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @NonBlocking
    public Response validate(byte[] body) {
        return answer(handler.handle(Endpoint.VALIDATE, body));
    }

    private static Response answer(AdmissionHandler.Answer answer) {
        return Response.status(answer.httpStatus()).type(MediaType.APPLICATION_JSON)
                .entity(ReviewCodec.encode(answer.body())).build();
    }
}
