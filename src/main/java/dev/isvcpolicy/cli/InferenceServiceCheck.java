package dev.isvcpolicy.cli;

import dev.isvcpolicy.admission.Admitted;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.PolicyEngine;

/**
 * An InferenceService as the API server would put it through the webhook: {@code /mutate}, then
 * {@code /validate} on the patched object (exempt namespaces never get here: {@link CheckCommand}).
 */
public final class InferenceServiceCheck implements KindCheck {

    private final PolicyEngine engine;

    public InferenceServiceCheck(PolicyEngine engine) {
        this.engine = engine;
    }

    @Override
    public String kind() {
        return Admitted.INFERENCE_SERVICE.kind();
    }

    @Override
    public String group() {
        return Admitted.INFERENCE_SERVICE.apiGroup();
    }

    @Override
    public ObjectResult check(Documents.Document document, String namespace, JsonNode old, OfflineCluster cluster) {
        String name = CheckCommand.name(document.node());
        Operation operation = old == null ? Operation.CREATE : Operation.UPDATE;
        ObjectNode object = ((ObjectNode) document.node()).deepCopy();
        PolicyEngine.MutationResult mutation = engine.mutate(
                new PolicyEngine.Input(operation, object, old, namespace, cluster.defaultMode()));
        PolicyEngine.ValidationResult validation = engine.validate(new PolicyEngine.Input(operation, mutation.mutated().deepCopy(), old,
                namespace, cluster.defaultMode(), cluster.scaledObjectsIn(namespace)));
        return new ObjectResult(document, kind(), namespace, name, ObjectResult.Outcome.CHECKED, operation,
                validation.context().mode(), validation.context().modeSource(), mutation.ops(), mutation.notices(),
                validation.findings(), mutation.mutated());
    }
}
