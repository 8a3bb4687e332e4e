package dev.isvcpolicy.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.DeploymentMode;
import java.util.List;
import java.util.Optional;

/**
 * What the cluster would tell the webhook, offline: the default deployment mode from
 * {@code --default-mode}, and the objects of this run standing in for the cluster's caches. The
 * cluster-side ScaledObject conflict check (RULES.md, autoscaler-conflict) will read
 * {@code inferenceServices} and {@code scaledObjects} here instead of an informer.
 */
public record OfflineCluster(Optional<DeploymentMode> defaultMode, List<ObjectNode> inferenceServices, List<ObjectNode> scaledObjects) {
}
