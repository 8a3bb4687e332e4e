package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * The one decision path: what the webhook decides about one object, whoever asks (the HTTP endpoints,
 * the offline check, a background scan). It picks what is judged (kind, operation, exempt namespaces),
 * runs {@code /mutate} and/or {@code /validate} through the {@link PolicyEngine}, and returns a
 * {@link Decision}. Pure: cluster state comes in through {@link ClusterState}, read from caches.
 */
public final class Decider {

    /**
     * One object as the API server sends it.
     *
     * @param stage     which answer is asked for
     * @param group     the API group of the object's kind, e.g. {@code serving.kserve.io}
     * @param kind      the kind, e.g. {@code InferenceService}
     * @param operation the admission operation as sent, e.g. {@code CREATE} (DELETE and CONNECT are skipped)
     * @param namespace the namespace, or null for a cluster-scoped request
     * @param name      the name the request gives (it may be empty on CREATE with {@code generateName})
     * @param object    {@code request.object}
     * @param oldObject {@code request.oldObject} (UPDATE), or null
     */
    public record Input(Stage stage, String group, String kind, String operation, String namespace, String name, JsonNode object,
            JsonNode oldObject) {
    }

    private final PolicyEngine engine;

    public Decider(PolicyEngine engine) {
        this.engine = engine;
    }

    public PolicySettings settings() {
        return engine.settings();
    }

    public Decision decide(Input in, ClusterState cluster) {
        String policy = engine.settings().hash();
        Optional<Kind> kind = Kind.of(in.group(), in.kind());
        Operation operation = operation(in.operation());
        String name = name(in.object(), in.name());
        if (operation == null || kind.isEmpty() || !kind.get().judgedBy(in.stage())) {
            return Decision.untouched(Decision.Verdict.SKIPPED, kind, operation, name, null, policy);
        }
        if (in.namespace() != null && engine.settings().exemptNamespaces().contains(in.namespace())) {
            return Decision.untouched(Decision.Verdict.EXEMPT, kind, operation, name, null, policy);
        }
        String notOfItsKind = notA(kind.get(), in.object());
        if (notOfItsKind != null) {
            return Decision.untouched(Decision.Verdict.BAD_REQUEST, kind, operation, name, notOfItsKind, policy);
        }
        ObjectNode object = (ObjectNode) in.object();
        JsonNode old = in.oldObject() != null && in.oldObject().isObject() ? in.oldObject() : null;
        return switch (kind.get()) {
            case INFERENCE_SERVICE -> inferenceService(in, operation, name, object, old, cluster, policy);
            case SCALED_OBJECT -> scaledObject(in, operation, name, object, cluster, policy);
        };
    }

    private Decision inferenceService(Input in, Operation operation, String name, ObjectNode object, JsonNode old, ClusterState cluster,
            String policy) {
        Optional<DeploymentMode> clusterDefault = cluster.defaultMode();
        PolicyEngine.MutationResult mutation = null;
        if (in.stage() != Stage.VALIDATE) {
            mutation = engine.mutate(new PolicyEngine.Input(operation, object, old, in.namespace(), clusterDefault)
                    .withKnative(cluster.knativeLimits()));
            if (in.stage() == Stage.MUTATE) {
                Decision.Verdict verdict = mutation.ops().isEmpty() ? Decision.Verdict.ALLOWED : Decision.Verdict.PATCHED;
                return new Decision(verdict, Optional.of(Kind.INFERENCE_SERVICE), operation, name, mutation.context(), mutation.ops(),
                        mutation.notices(), List.of(), mutation.ops().isEmpty() ? null : mutation.mutated(), null, policy);
            }
        }
        ObjectNode judged = mutation == null ? object : mutation.mutated();
        ClusterView view = in.namespace() == null ? ClusterView.OFF : cluster.scaledObjectsIn(in.namespace());
        PolicyEngine.ValidationResult validation = engine.validate(
                new PolicyEngine.Input(operation, judged, old, in.namespace(), clusterDefault, view).withKnative(cluster.knativeLimits()));
        boolean patched = mutation != null && !mutation.ops().isEmpty();
        Decision.Verdict verdict = !validation.allowed() ? Decision.Verdict.DENIED
                : patched ? Decision.Verdict.PATCHED : Decision.Verdict.ALLOWED;
        return new Decision(verdict, Optional.of(Kind.INFERENCE_SERVICE), operation, name, validation.context(),
                mutation == null ? List.of() : mutation.ops(), mutation == null ? List.of() : mutation.notices(), validation.findings(),
                patched ? mutation.mutated() : null, null, policy);
    }

    private Decision scaledObject(Input in, Operation operation, String name, ObjectNode object, ClusterState cluster, String policy) {
        String namespace = in.namespace() == null ? "" : in.namespace();
        ClusterState.InferenceServices isvcs = cluster.inferenceServicesFor(namespace, ScaledObjects.targetDeployment(object));
        PolicyEngine.ValidationResult validation = engine.validateScaledObject(new PolicyEngine.ScaledObjectInput(operation, object,
                namespace, isvcs.lookup(), isvcs.detail(), isvcs.objects(), cluster.defaultMode()));
        return new Decision(validation.allowed() ? Decision.Verdict.ALLOWED : Decision.Verdict.DENIED, Optional.of(Kind.SCALED_OBJECT),
                operation, name, null, List.of(), List.of(), validation.findings(), null, null, policy);
    }

    /** Why {@code object} cannot be judged as a {@code kind} (a JSON object whose kind, if given, is that), or null. */
    private static String notA(Kind kind, JsonNode object) {
        if (object == null || !object.isObject()) {
            return "request.object must be the " + kind.kind() + " as a JSON object";
        }
        if (!kind.kind().equals(object.path("kind").asText(kind.kind()))) {
            String article = "AEIOU".indexOf(kind.kind().charAt(0)) >= 0 ? "an " : "a ";
            return "request.object is a " + object.path("kind").asText() + ", not " + article + kind.kind();
        }
        return null;
    }

    /** {@code metadata.name}, else {@code generateName} followed by {@code *}, else the request's name, else empty. */
    static String name(JsonNode object, String requestName) {
        JsonNode meta = object == null ? null : object.path("metadata");
        if (meta != null && meta.path("name").isTextual()) {
            return meta.path("name").asText();
        }
        if (meta != null && meta.path("generateName").isTextual()) {
            return meta.path("generateName").asText() + "*";
        }
        return requestName == null ? "" : requestName;
    }

    private static Operation operation(String op) {
        if ("CREATE".equals(op)) {
            return Operation.CREATE;
        }
        return "UPDATE".equals(op) ? Operation.UPDATE : null;
    }
}
