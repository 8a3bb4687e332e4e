package dev.isvcpolicy.policy;

import java.util.List;
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
    SCALED_OBJECT("keda.sh", "v1alpha1", "scaledobjects", "ScaledObject", Set.of(Stage.VALIDATE)),
    /** {@code serving.kserve.io/v1alpha1} InferenceGraph: mutated and validated as one component at {@code spec} (RULES.md §1 v2). */
    INFERENCE_GRAPH("serving.kserve.io", "v1alpha1", "inferencegraphs", "InferenceGraph", Set.of(Stage.MUTATE, Stage.VALIDATE)),
    /**
     * {@code serving.kserve.io} LLMInferenceService: validated only (autoscaler-conflict's cluster side, keda-metrics'
     * trigger checks). Both served versions are registered, v1alpha2 first (the stored one in KServe after v0.20; the CRD
     * in {@code reference/kserve} serves v1alpha1 and v1alpha2): the judged fields have the same shape in both, and a cluster
     * that serves only v1alpha1 still matches.
     */
    LLM_INFERENCE_SERVICE("serving.kserve.io", List.of("v1alpha2", "v1alpha1"), "llminferenceservices", "LLMInferenceService",
            Set.of(Stage.VALIDATE)),
    /** {@code http.keda.sh/v1alpha1} HTTPScaledObject (KEDA's HTTP add-on): validated as the ScaledObject it makes. */
    HTTP_SCALED_OBJECT("http.keda.sh", "v1alpha1", "httpscaledobjects", "HTTPScaledObject", Set.of(Stage.VALIDATE));

    private final String group;
    private final List<String> versions;
    private final String resource;
    private final String kind;
    private final Set<Stage> stages;

    Kind(String group, String version, String resource, String kind, Set<Stage> stages) {
        this(group, List.of(version), resource, kind, stages);
    }

    Kind(String group, List<String> versions, String resource, String kind, Set<Stage> stages) {
        this.group = group;
        this.versions = List.copyOf(versions);
        this.resource = resource;
        this.kind = kind;
        this.stages = stages;
    }

    /** The API group, e.g. {@code serving.kserve.io}. */
    public String group() {
        return group;
    }

    /** The first (preferred) version registered in the webhook configurations, e.g. {@code v1beta1}. */
    public String version() {
        return versions.get(0);
    }

    /** Every version registered in the webhook configurations, preferred first, e.g. {@code [v1alpha2, v1alpha1]}. */
    public List<String> versions() {
        return versions;
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
