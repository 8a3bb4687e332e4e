package dev.isvcpolicy.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A KEDA ScaledObject. The webhook's only ScaledObject rule is the cluster-side half of
 * {@code autoscaler-conflict} (a ScaledObject targeting an InferenceService component's Deployment),
 * which is being built separately; until it lands, a ScaledObject is parsed, counted and reported as
 * checked with no offline rule. That rule plugs in here, reading the InferenceServices of this run from
 * {@link OfflineCluster#inferenceServices()}.
 */
public final class ScaledObjectCheck implements KindCheck {

    @Override
    public String kind() {
        return "ScaledObject";
    }

    @Override
    public String group() {
        return "keda.sh";
    }

    @Override
    public ObjectResult check(Documents.Document document, String namespace, JsonNode old, OfflineCluster cluster) {
        return ObjectResult.unchecked(document, kind(), namespace, CheckCommand.name(document.node()), ObjectResult.Outcome.NO_OFFLINE_RULE);
    }
}
