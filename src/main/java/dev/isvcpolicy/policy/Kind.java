package dev.isvcpolicy.policy;

import java.util.Optional;
import java.util.Set;

/**
 * The kinds the webhook judges (RULES.md §1), each with its API group, version and resource as the API
 * server names them, and the stages that judge it. The webhook configurations in {@code k8s/} register
 * exactly these ({@code ManifestsTest} checks it); the offline check reads them from files by group and kind.
 */
public enum Kind {
    /** {@code serving.kserve.io/v1beta1} InferenceService: mutated and validated. */
    INFERENCE_SERVICE("serving.kserve.io", "v1beta1", "inferenceservices", "InferenceService", Set.of(Stage.MUTATE, Stage.VALIDATE)),
    /** {@code keda.sh/v1alpha1} ScaledObject: validated only (the cluster side of autoscaler-conflict). */
    SCALED_OBJECT("keda.sh", "v1alpha1", "scaledobjects", "ScaledObject", Set.of(Stage.VALIDATE));

    private final String group;
    private final String version;
    private final String resource;
    private final String kind;
    private final Set<Stage> stages;

    Kind(String group, String version, String resource, String kind, Set<Stage> stages) {
        this.group = group;
        this.version = version;
        this.resource = resource;
        this.kind = kind;
        this.stages = stages;
    }

    /** The API group, e.g. {@code serving.kserve.io}. */
    public String group() {
        return group;
    }

    /** The version registered in the webhook configurations, e.g. {@code v1beta1}. */
    public String version() {
        return version;
    }

    /** The plural resource, e.g. {@code inferenceservices}. */
    public String resource() {
        return resource;
    }

    /** The kind, e.g. {@code InferenceService}. */
    public String kind() {
        return kind;
    }

    /** Whether a stage judges this kind ({@link Stage#BOTH} judges what either does). */
    public boolean judgedBy(Stage stage) {
        return stage == Stage.BOTH || stages.contains(stage);
    }

    /** The kind of a group and kind name (any version of the group), if the webhook judges it. */
    public static Optional<Kind> of(String group, String kind) {
        for (Kind k : values()) {
            if (k.group.equals(group) && k.kind.equals(kind)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The kind of an object from its {@code apiVersion} ({@code group/version}) and {@code kind}. */
    public static Optional<Kind> ofApiVersion(String apiVersion, String kind) {
        int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
        return slash < 0 ? Optional.empty() : of(apiVersion.substring(0, slash), kind);
    }
}
