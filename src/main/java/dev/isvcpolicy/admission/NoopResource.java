package dev.isvcpolicy.admission;

import dev.isvcpolicy.config.WebhookConfig;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /noop}: the same server, TLS and framework path as the admission endpoints, but no
 * decoding and no policy. The floor the benchmark compares {@code /mutate} and {@code /validate} with.
 * Off (404) unless {@code webhook.bench.noop-endpoint=true}.
 */
@Path("/noop")
public class NoopResource {

    private static final byte[] ANSWER = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"\",\"allowed\":true}}"
            .getBytes(StandardCharsets.UTF_8);

    @Inject
    WebhookConfig config;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @NonBlocking
    public Response noop(byte[] body) {
        if (!config.bench().noopEndpoint()) {
            return Response.status(404).build();
        }
        return Response.ok(ANSWER, MediaType.APPLICATION_JSON).build();
    }
}
