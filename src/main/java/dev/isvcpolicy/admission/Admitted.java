package dev.isvcpolicy.admission;

import dev.isvcpolicy.policy.Operation;
import java.util.Arrays;
import java.util.List;

/**
 * What the API server sends to each endpoint (RULES.md §1). The webhook configurations in {@code k8s/}
 * register exactly this ({@code ManifestsTest} checks paths, resources and operations against it).
 */
public final class Admitted {

    /** A resource the API server sends for review, e.g. {@code serving.kserve.io/v1beta1 inferenceservices}. */
    public record Resource(String apiGroup, String apiVersion, String resource, String kind) {
    }

    public static final Resource INFERENCE_SERVICE =
            new Resource("serving.kserve.io", "v1beta1", "inferenceservices", "InferenceService");
    public static final Resource SCALED_OBJECT = new Resource("keda.sh", "v1alpha1", "scaledobjects", "ScaledObject");

    /** The operations judged, e.g. {@code [CREATE, UPDATE]}; anything else is admitted untouched. */
    public static final List<String> OPERATIONS = Arrays.stream(Operation.values()).map(Enum::name).toList();

    private Admitted() {
    }

    /** The HTTP path of an endpoint, e.g. {@code /mutate}. */
    public static String path(Endpoint endpoint) {
        return "/" + endpoint.label();
    }

    /** The resources registered for an endpoint. */
    public static List<Resource> resources(Endpoint endpoint) {
        return endpoint == Endpoint.MUTATE ? List.of(INFERENCE_SERVICE) : List.of(INFERENCE_SERVICE, SCALED_OBJECT);
    }
}
