package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What an {@link ObjectValidation} gets: the object, and the namespace's stored objects it is compared with, read from
 * the caches (RULES.md §1 v2).
 *
 * @param kind              what {@code object} is
 * @param object            the object as sent (an LLMInferenceService, a ScaledObject, or an HTTPScaledObject)
 * @param graphs            the namespace's InferenceGraphs, each resolved as {@code /validate} resolves a stored one
 * @param graphLookup       whether the InferenceGraph cache could be read (with why not)
 * @param llmServices       the namespace's LLMInferenceServices
 * @param scaledObjects     the namespace's ScaledObjects, any target
 * @param httpScaledObjects the namespace's HTTPScaledObjects
 */
public record ObjectReview(Kind kind, Operation operation, ObjectNode object, String name, String namespace, PolicySettings settings,
        List<Review> graphs, ClusterState.Stored graphLookup, ClusterState.Stored llmServices, ClusterState.Stored scaledObjects,
        ClusterState.Stored httpScaledObjects) {

    public ObjectReview {
        graphs = List.copyOf(graphs);
    }
}
