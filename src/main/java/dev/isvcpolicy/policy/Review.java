package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * What every rule gets: the object (the working copy, during mutation), the old object, and the
 * context resolved from them (deployment mode, components and their autoscalers) and configuration.
 *
 * @param name    the InferenceService's name, from which component object names derive
 * @param cluster what the cluster's caches said (ScaledObjects of the namespace), {@link ClusterView#OFF} when not looked up
 * @param knative what Knative's config-autoscaler says, {@link KnativeLimits#UNKNOWN} when not read
 */
public record Review(Operation operation, ObjectNode object, JsonNode oldObject, String name, String namespace,
        DeploymentMode mode, ModeSource modeSource, List<Component> components, PolicySettings settings,
        ClusterView cluster, KnativeLimits knative) {

    /** An annotation value and where it was found. */
    public record Annotation(String value, FieldPath path, boolean onComponent) {
    }

    public static final FieldPath METADATA_ANNOTATIONS = FieldPath.of("metadata", "annotations");

    /** The components that mutations may touch: not canaries (they run fixed replicas), scaled by KServe. */
    public List<Component> mutableComponents() {
        List<Component> out = new java.util.ArrayList<>(components.size());
        for (Component c : components) {
            if (!c.isCanary() && c.autoscaler() != Autoscaler.NOT_SCALED) {
                out.add(c);
            }
        }
        return java.util.Collections.unmodifiableList(out);
    }

    /** An InferenceService-level annotation (string values only). */
    public Optional<Annotation> annotation(String key) {
        JsonNode value = object == null ? null : object.path("metadata").path("annotations").get(key);
        return value != null && value.isTextual()
                ? Optional.of(new Annotation(value.asText(), METADATA_ANNOTATIONS.key(key), false)) : Optional.empty();
    }

    /**
     * A component-level annotation ({@code spec.<component>.annotations}); a graph's are its
     * {@code metadata.annotations} (it has no others), so they count as the component's own.
     */
    public Optional<Annotation> componentAnnotation(Component c, String key) {
        if (c.isGraph()) {
            Optional<Annotation> a = annotation(key);
            return a.isPresent() ? Optional.of(new Annotation(a.get().value(), a.get().path(), true)) : a;
        }
        JsonNode value = c.spec().path("annotations").get(key);
        return value != null && value.isTextual()
                ? Optional.of(new Annotation(value.asText(), c.field("annotations").key(key), true)) : Optional.empty();
    }

    /** The component's annotation, else the InferenceService's: what KServe applies to the workload. */
    public Optional<Annotation> effective(Component c, String key) {
        Optional<Annotation> own = componentAnnotation(c, key);
        return own.isPresent() ? own : annotation(key);
    }

    /** Whether the object is an InferenceGraph (one component, {@link ComponentKind#GRAPH}). */
    public boolean isGraph() {
        return ContextResolver.isGraph(object);
    }

    public boolean isCreateOrFirstUpdate() {
        return operation == Operation.CREATE || statusMode().isEmpty();
    }

    /** {@code oldObject.status.deploymentMode}, parsed. */
    public Optional<DeploymentMode> statusMode() {
        if (operation != Operation.UPDATE) {
            return Optional.empty();
        }
        return Json.text(Json.object(oldObject, "status").orElse(null), "deploymentMode").flatMap(DeploymentMode::parse);
    }
}
