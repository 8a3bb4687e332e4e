package dev.isvcpolicy.policy;

/** Where the deployment mode of a request came from, first match wins. */
public enum ModeSource {
    /** {@code oldObject.status.deploymentMode} on UPDATE. */
    STATUS,
    /** The {@code serving.kserve.io/deploymentMode} annotation. */
    ANNOTATION,
    /** The cluster's {@code inferenceservice-config} ConfigMap. */
    CLUSTER_DEFAULT,
    /** The webhook's configured fallback (no ConfigMap, or lookups off). */
    FALLBACK
}
