package dev.isvcpolicy.admission;

import dev.isvcpolicy.cluster.ClusterDefaults;
import dev.isvcpolicy.cluster.KnativeAutoscalerConfig;
import dev.isvcpolicy.cluster.WorkloadCaches;
import dev.isvcpolicy.policy.ClusterState;
import dev.isvcpolicy.policy.ClusterView;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.KnativeLimits;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;

/** The cluster as the webhook's informers see it: KServe's default mode and the namespace's workloads, from caches. */
@Singleton
public class LiveCluster implements ClusterState {

    @Inject
    ClusterDefaults defaults;

    @Inject
    WorkloadCaches caches;

    @Inject
    KnativeAutoscalerConfig knative;

    @Inject
    dev.isvcpolicy.cluster.NamespaceLabels namespaces;

    @Override
    public dev.isvcpolicy.policy.Enforcement enforcement(String namespace) {
        return namespaces.enforcement(namespace);
    }

    @Inject
    dev.isvcpolicy.cluster.KServeKindCaches kserveKinds;

    /** ScaledObjects from {@link WorkloadCaches}; InferenceGraphs, LLMInferenceServices and HTTPScaledObjects from {@code KServeKindCaches}. */
    @Override
    public Stored storedIn(dev.isvcpolicy.policy.Kind kind, String namespace) {
        return kind == dev.isvcpolicy.policy.Kind.SCALED_OBJECT ? caches.scaledObjectObjectsIn(namespace) : kserveKinds.objectsIn(kind, namespace);
    }

    /** An object of a kind cached by {@code KServeKindCaches} arrived: its CRD may have been installed since the last look. */
    void kindSeen(dev.isvcpolicy.policy.Kind kind) {
        kserveKinds.seen(kind);
    }

    @Override
    public KnativeLimits knativeLimits() {
        return knative.limits();
    }

    @Override
    public Optional<DeploymentMode> defaultMode() {
        return defaults.defaultMode();
    }

    /** An indexed view: answers per component from the cache's index, never lists the namespace. */
    @Override
    public ClusterView scaledObjectsIn(String namespace) {
        return caches.scaledObjectsFor(namespace);
    }

    /** Looked up by name in the cache, never the whole namespace. */
    @Override
    public InferenceServices inferenceServicesFor(String namespace, Optional<String> targetDeployment) {
        WorkloadCaches.InferenceServices isvcs = caches.inferenceServicesFor(namespace, targetDeployment);
        return new InferenceServices(isvcs.lookup(), isvcs.detail(), isvcs.objects());
    }

    @Override
    public InferenceServices inferenceServicesIn(String namespace) {
        WorkloadCaches.InferenceServices isvcs = caches.inferenceServicesIn(namespace);
        return new InferenceServices(isvcs.lookup(), isvcs.detail(), isvcs.objects());
    }

    /** A ScaledObject arrived: KEDA may have been installed since the last look for its CRD. */
    void scaledObjectSeen() {
        caches.scaledObjectSeen();
    }
}
