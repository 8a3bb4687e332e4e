package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * What the cluster says, as far as the decision needs it, read from caches (never per request from the
 * API server): KServe's default deployment mode, and the workloads of a namespace that the cluster side
 * of {@code autoscaler-conflict} compares. The webhook reads its informers; the offline check, the run's files.
 */
public interface ClusterState {

    /** KServe's default deployment mode ({@code inferenceservice-config}), empty when unknown (the fallback applies). */
    Optional<DeploymentMode> defaultMode();

    /** What Knative's {@code config-autoscaler} says ({@link KnativeLimits#UNKNOWN} when it is not read). */
    default KnativeLimits knativeLimits() {
        return KnativeLimits.UNKNOWN;
    }

    /**
     * The enforcement label of a namespace (RULES.md §2), read from a cache; {@link Enforcement#DENY} when the
     * label is absent, unreadable or the namespace is not known (no cache means deny).
     */
    default Enforcement enforcement(String namespace) {
        return Enforcement.DENY;
    }

    /** The namespace's ScaledObjects that point at a Deployment, with whether they could be looked up. */
    ClusterView scaledObjectsIn(String namespace);

    /** The namespace's InferenceServices as stored, with whether they could be looked up. */
    InferenceServices inferenceServicesIn(String namespace);

    /**
     * The namespace's InferenceServices that could own {@code targetDeployment} (a ScaledObject's target; empty:
     * it targets no Deployment), for judging that ScaledObject: at least every one with a component whose
     * workload it is, possibly more. By default the whole namespace; the webhook looks them up by name.
     */
    default InferenceServices inferenceServicesFor(String namespace, Optional<String> targetDeployment) {
        return inferenceServicesIn(namespace);
    }

    /**
     * The namespace's stored objects of a kind, as the cache holds them: ScaledObjects (every target kind), InferenceGraphs,
     * LLMInferenceServices, HTTPScaledObjects (RULES.md §1 v2). {@link Stored#OFF} where this cluster does not look them up.
     */
    default Stored storedIn(Kind kind, String namespace) {
        return Stored.OFF;
    }

    /**
     * The ScaledObjects an InferenceGraph is judged against, before KServe's own are left out: on a cluster the stored
     * ones ({@link #storedIn}), where an HTTPScaledObject's operator has made its ScaledObject; offline, the run's
     * ScaledObjects and, for each HTTPScaledObject, the one its operator would make.
     */
    default Stored scaledObjectsForGraphs(String namespace) {
        return storedIn(Kind.SCALED_OBJECT, namespace);
    }

    /**
     * Stored objects of one kind in one namespace: {@code objects} is empty unless {@code lookup} is READY.
     *
     * @param detail why they could not be read, for messages, e.g. {@code the InferenceGraph cache has not synced yet}
     */
    record Stored(ClusterView.Lookup lookup, String detail, List<ObjectNode> objects) {

        public Stored {
            objects = List.copyOf(objects);
        }

        /** Not looked up. */
        public static final Stored OFF = new Stored(ClusterView.Lookup.OFF, "cluster lookups are off", List.of());

        public static Stored ready(List<ObjectNode> objects) {
            return new Stored(ClusterView.Lookup.READY, "", objects);
        }
    }

    /** The InferenceServices of a namespace: {@code objects} is empty unless {@code lookup} is READY. */
    record InferenceServices(ClusterView.Lookup lookup, String detail, List<ObjectNode> objects) {
    }

    /** No cluster: no default mode, no lookups. */
    ClusterState NONE = new ClusterState() {
        @Override
        public Optional<DeploymentMode> defaultMode() {
            return Optional.empty();
        }

        @Override
        public ClusterView scaledObjectsIn(String namespace) {
            return ClusterView.OFF;
        }

        @Override
        public InferenceServices inferenceServicesIn(String namespace) {
            return new InferenceServices(ClusterView.Lookup.OFF, ClusterView.OFF.detail(), List.of());
        }
    };
}
