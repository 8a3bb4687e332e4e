package dev.isvcpolicy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.ClusterState;
import dev.isvcpolicy.policy.ClusterView;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.KServeWorkloads;
import dev.isvcpolicy.policy.ScaledObjects;
import java.util.List;
import java.util.Optional;

/**
 * What the cluster would tell the webhook, offline: the default deployment mode from
 * {@code --default-mode}, and the objects of this run standing in for the cluster's caches, so the
 * cluster side of {@code autoscaler-conflict} judges the files against each other.
 *
 * @param namespace the namespace of objects that name none ({@code -n}, default {@code default})
 */
public record OfflineCluster(Optional<DeploymentMode> defaultMode, List<ObjectNode> inferenceServices, List<ObjectNode> scaledObjects,
        String namespace, java.util.Map<Kind, List<ObjectNode>> others) implements ClusterState {

    /** Only InferenceServices and ScaledObjects. */
    public OfflineCluster(Optional<DeploymentMode> defaultMode, List<ObjectNode> inferenceServices, List<ObjectNode> scaledObjects,
            String namespace) {
        this(defaultMode, inferenceServices, scaledObjects, namespace, java.util.Map.of());
    }

    /** The run's ScaledObjects (any target), InferenceGraphs, LLMInferenceServices and HTTPScaledObjects in a namespace. */
    @Override
    public Stored storedIn(Kind kind, String ns) {
        List<ObjectNode> all = kind == Kind.SCALED_OBJECT ? scaledObjects : others.getOrDefault(kind, List.of());
        return Stored.ready(all.stream().filter(o -> ns.equals(namespaceOf(o))).toList());
    }

    /** The run's InferenceServices in a namespace, as the webhook's cache would hold them. */
    @Override
    public InferenceServices inferenceServicesIn(String ns) {
        return new InferenceServices(ClusterView.Lookup.READY, "", inferenceServices.stream().filter(o -> ns.equals(namespaceOf(o))).toList());
    }

    /**
     * The run's ScaledObjects in a namespace that target a Deployment, as the webhook's cache would give them, with the
     * ScaledObject each HTTPScaledObject's operator would make on a cluster (RULES.md §1 v2).
     */
    @Override
    public ClusterView scaledObjectsIn(String ns) {
        return ClusterView.ready(withStandIns(ns).stream().map(ScaledObjects::ref).flatMap(Optional::stream).toList());
    }

    @Override
    public Stored scaledObjectsForGraphs(String ns) {
        return Stored.ready(withStandIns(ns));
    }

    /**
     * The namespace's ScaledObjects, then the ScaledObjects its HTTPScaledObjects that do not skip theirs would make: the
     * operator names it after the HTTPScaledObject, makes it the controller and gives it the same {@code scaleTargetRef}
     * ({@link KServeWorkloads#asScaledObject}).
     */
    private List<ObjectNode> withStandIns(String ns) {
        List<ObjectNode> out = new java.util.ArrayList<>();
        for (ObjectNode o : scaledObjects) {
            if (ns.equals(namespaceOf(o))) {
                out.add(o);
            }
        }
        for (ObjectNode o : others.getOrDefault(Kind.HTTP_SCALED_OBJECT, List.of())) {
            if (ns.equals(namespaceOf(o)) && !KServeWorkloads.skipsScaledObject(o)) {
                ObjectNode standIn = KServeWorkloads.asScaledObject(o);
                if (!standIn.path("metadata").has("namespace")) {
                    ((ObjectNode) standIn.get("metadata")).put("namespace", ns);
                }
                out.add(standIn);
            }
        }
        return out;
    }

    private String namespaceOf(JsonNode object) {
        String ns = object.path("metadata").path("namespace").asText("");
        return ns.isEmpty() ? namespace : ns;
    }
}
