package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * What a ScaledObject rule gets: the ScaledObject, the Deployment it targets, its InferenceService owner
 * if KServe made it, and the InferenceServices of its namespace (from the cache), each resolved as
 * {@code /validate} resolves a request.
 *
 * @param target            the Deployment in {@code spec.scaleTargetRef}, empty when it targets something else
 * @param lookup            whether the InferenceService cache could be read
 * @param detail            why not, for messages
 * @param inferenceServices the namespace's InferenceServices, resolved; empty unless {@code lookup} is READY
 */
public record ScaledObjectReview(Operation operation, ObjectNode object, String name, String namespace,
        Optional<String> target, Optional<ScaledObjects.Owner> owner, ClusterView.Lookup lookup, String detail,
        List<Review> inferenceServices, PolicySettings settings) {
}
