package dev.isvcpolicy.cluster;

import java.util.List;

/**
 * Every API call the webhook makes, as RBAC grants: what {@code k8s/02-rbac.yaml} must allow and nothing
 * more. All reads; requests never call the API server, only the informers and the KEDA CRD look-up do.
 */
public final class ClusterAccess {

    private ClusterAccess() {
    }

    /** {@link Grant#namespace()} of a cluster-wide grant (a ClusterRole). */
    public static final String CLUSTER = "*cluster*";

    /**
     * One RBAC rule, e.g. {@code {"keda.sh", "scaledobjects", [list, watch], CLUSTER, []}}.
     *
     * @param apiGroup      {@code ""} for the core group
     * @param namespace     the namespace of a Role, or {@link #CLUSTER} for a ClusterRole
     * @param resourceNames the only objects it may read; empty for all
     */
    public record Grant(String apiGroup, String resource, List<String> verbs, String namespace, List<String> resourceNames) {
    }

    /** The grants the code needs, in the order of the manifest. */
    public static final List<Grant> GRANTS = List.of(
            // ClusterDefaults: informer on KServe's ConfigMap, by name (namespace: webhook.cluster.config-map-namespace).
            new Grant("", "configmaps", List.of("get", "list", "watch"), "kserve", List.of("inferenceservice-config")),
            // WorkloadCaches: informers on every InferenceService and ScaledObject.
            new Grant("serving.kserve.io", "inferenceservices", List.of("list", "watch"), CLUSTER, List.of()),
            new Grant("keda.sh", "scaledobjects", List.of("list", "watch"), CLUSTER, List.of()),
            // WorkloadCaches: is KEDA installed?
            new Grant("apiextensions.k8s.io", "customresourcedefinitions", List.of("get"), CLUSTER,
                    List.of(WorkloadCaches.KEDA_CRD)));
}
