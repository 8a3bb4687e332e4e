package dev.isvcpolicy.policy;

import java.util.List;

/**
 * What the cluster's caches said when a request came in, frozen for the rules: whether a lookup could
 * be made, and the ScaledObjects of the request's namespace that point at a Deployment. Built before the
 * engine runs (by {@code cluster/WorkloadCaches}); rules only read it.
 *
 * @param lookup        whether the cache behind {@code scaledObjects} could be read
 * @param detail        why not, for messages, e.g. {@code cache not synced yet}
 * @param scaledObjects the namespace's ScaledObjects whose {@code scaleTargetRef} is a Deployment
 */
public record ClusterView(Lookup lookup, String detail, List<ScaledObjectRef> scaledObjects) {

    /** Whether a cluster-side lookup could be made. */
    public enum Lookup {
        /** {@code webhook.cluster.lookups=false}: nothing is looked up, nothing is said per request. */
        OFF,
        /** The informer's cache is synced and watching: its contents are the cluster's. */
        READY,
        /** The CRD is not installed (no KEDA): there is nothing to look up. */
        ABSENT,
        /** Not synced yet, or the API server cannot be reached: the check cannot be made. */
        UNAVAILABLE
    }

    /** A ScaledObject that scales a Deployment, e.g. {@code my-so -> my-model-predictor}. */
    public record ScaledObjectRef(String name, String deployment, ScaledObjects.Owner owner) {

        /** Made by a user: not controlled by an InferenceService, InferenceGraph or LLMInferenceService. */
        public boolean userMade() {
            return owner == null;
        }
    }

    /** Lookups switched off: no cluster-side check. */
    public static final ClusterView OFF = new ClusterView(Lookup.OFF, "cluster lookups are off", List.of());

    public ClusterView {
        scaledObjects = List.copyOf(scaledObjects);
    }

    public static ClusterView ready(List<ScaledObjectRef> scaledObjects) {
        return new ClusterView(Lookup.READY, "", scaledObjects);
    }

    public static ClusterView absent(String detail) {
        return new ClusterView(Lookup.ABSENT, detail, List.of());
    }

    public static ClusterView unavailable(String detail) {
        return new ClusterView(Lookup.UNAVAILABLE, detail, List.of());
    }
}
