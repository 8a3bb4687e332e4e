package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One component of an InferenceService with what it resolves to.
 *
 * @param kind       predictor, transformer, explainer, canary, or graph (an InferenceGraph)
 * @param index      position in {@code spec.canary} (0 for the others)
 * @param path       where it sits, e.g. {@code spec.canary[0].predictor}
 * @param spec       the component's JSON (live: edits show up here)
 * @param objectName the name KServe gives its workload, e.g. {@code my-model-predictor}
 * @param autoscaler what scales it
 * @param classPath  the annotation the autoscaler came from, or null when it is the default
 */
public record Component(ComponentKind kind, int index, FieldPath path, ObjectNode spec, String objectName,
        Autoscaler autoscaler, FieldPath classPath) {

    public boolean isCanary() {
        return kind == ComponentKind.CANARY;
    }

    /** A field of the component; a graph's {@code annotations} are its {@code metadata.annotations}. */
    public FieldPath field(String name) {
        if (isGraph() && "annotations".equals(name)) {
            return Review.METADATA_ANNOTATIONS;
        }
        return path.child(name);
    }

    /** An InferenceGraph, judged as one component at {@code spec}. */
    public boolean isGraph() {
        return kind == ComponentKind.GRAPH;
    }

    /** Short label for messages: {@code predictor}, {@code canary[0]}. */
    public String label() {
        return isCanary() ? "canary[" + index + "]" : kind.field();
    }
}
