package dev.isvcpolicy.cli;

import dev.isvcpolicy.admission.Admitted;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.ClusterView;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.PolicyEngine;
import java.util.List;

/**
 * A KEDA ScaledObject, judged by the cluster side of {@code autoscaler-conflict} against the
 * InferenceServices of the same run (standing in for the webhook's cache): a ScaledObject aimed at a
 * component that KServe or Knative already scales is refused, as the webhook would refuse it.
 */
public final class ScaledObjectCheck implements KindCheck {

    private final PolicyEngine engine;

    public ScaledObjectCheck(PolicyEngine engine) {
        this.engine = engine;
    }

    @Override
    public String kind() {
        return Admitted.SCALED_OBJECT.kind();
    }

    @Override
    public String group() {
        return Admitted.SCALED_OBJECT.apiGroup();
    }

    @Override
    public ObjectResult check(Documents.Document document, String namespace, JsonNode old, OfflineCluster cluster) {
        String name = CheckCommand.name(document.node());
        Operation operation = old == null ? Operation.CREATE : Operation.UPDATE;
        PolicyEngine.ValidationResult validation = engine.validateScaledObject(new PolicyEngine.ScaledObjectInput(operation,
                ((ObjectNode) document.node()).deepCopy(), namespace, ClusterView.Lookup.READY, "", cluster.inferenceServicesIn(namespace),
                cluster.defaultMode()));
        return new ObjectResult(document, kind(), namespace, name, ObjectResult.Outcome.CHECKED, operation, null, null,
                List.of(), List.of(), validation.findings(), null);
    }
}
