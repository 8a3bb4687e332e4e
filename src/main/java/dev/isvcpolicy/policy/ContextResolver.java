package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves the deployment mode and each component's autoscaler (RULES.md §2). Pure. With class
 * {@code keda}, a component without {@code autoScaling} is {@link Autoscaler#NONE}: KServe (after v0.20)
 * makes no ScaledObject for it and pins its replicas. One with {@code scaleMetric} or {@code scaleTarget}
 * left stays keda: {@code keda-metrics}' mutation converts those into {@code autoScaling}, and what it could
 * not convert is an error of a component meant for KEDA (judged as keda, not ignored as none).
 */
public final class ContextResolver {

    private ContextResolver() {
    }

    /** An InferenceService's components other than canaries, in the order they are judged. */
    private static final ComponentKind[] ISVC_COMPONENTS = {ComponentKind.PREDICTOR, ComponentKind.TRANSFORMER, ComponentKind.EXPLAINER};

    public static Review resolve(Operation operation, ObjectNode object, JsonNode oldObject, String namespace,
            Optional<DeploymentMode> clusterDefault, PolicySettings settings) {
        return resolve(operation, object, oldObject, namespace, clusterDefault, settings, ClusterView.OFF);
    }

    /** As above, with what the cluster's caches said passed on to the rules. */
    public static Review resolve(Operation operation, ObjectNode object, JsonNode oldObject, String namespace,
            Optional<DeploymentMode> clusterDefault, PolicySettings settings, ClusterView cluster) {
        return resolve(operation, object, oldObject, namespace, clusterDefault, settings, cluster, KnativeLimits.UNKNOWN);
    }

    /** As above, with what Knative's config-autoscaler says. */
    public static Review resolve(Operation operation, ObjectNode object, JsonNode oldObject, String namespace,
            Optional<DeploymentMode> clusterDefault, PolicySettings settings, ClusterView cluster, KnativeLimits knative) {
        String name = isvcName(object);
        Review partial = new Review(operation, object, oldObject, name, namespace, settings.fallbackMode(),
                ModeSource.FALLBACK, List.of(), settings, cluster, knative);

        DeploymentMode mode;
        ModeSource source;
        Optional<DeploymentMode> fromStatus = partial.statusMode();
        Optional<Review.Annotation> modeAnnotation = partial.annotation(Annotations.DEPLOYMENT_MODE);
        Optional<DeploymentMode> fromAnnotation = modeAnnotation.isPresent() ? DeploymentMode.parse(modeAnnotation.get().value()) : Optional.empty();
        if (fromStatus.isPresent()) {
            mode = fromStatus.get();
            source = ModeSource.STATUS;
        } else if (fromAnnotation.isPresent()) {
            mode = fromAnnotation.get();
            source = ModeSource.ANNOTATION;
        } else if (clusterDefault.isPresent()) {
            mode = clusterDefault.get();
            source = ModeSource.CLUSTER_DEFAULT;
        } else {
            mode = settings.fallbackMode();
            source = ModeSource.FALLBACK;
        }

        Review withMode = new Review(operation, object, oldObject, name, namespace, mode, source, List.of(), settings, cluster, knative);
        List<Component> components = new ArrayList<>();
        JsonNode spec = object.get("spec") instanceof ObjectNode s ? s : null;
        if (isGraph(object)) {
            if (spec instanceof ObjectNode graph) {
                Component c = component(withMode, ComponentKind.GRAPH, 0, FieldPath.of("spec"), graph, name);
                if (c.autoscaler() == Autoscaler.KEDA) {
                    // A graph has no autoScaling, and KServe treats class keda without autoScaling as none (RULES.md §2 v2).
                    c = new Component(c.kind(), 0, c.path(), graph, name, Autoscaler.NONE, c.classPath());
                }
                components.add(c);
            }
            return new Review(operation, object, oldObject, name, namespace, mode, source, List.copyOf(components), settings, cluster, knative);
        }
        for (ComponentKind kind : ISVC_COMPONENTS) {
            if (spec != null && spec.get(kind.field()) instanceof ObjectNode node) {
                String objectName = kind == ComponentKind.PREDICTOR
                        ? predictorName(name, node)
                        : name + "-" + kind.field();
                components.add(component(withMode, kind, 0, FieldPath.of("spec", kind.field()), node, objectName));
            }
        }
        if (spec != null && spec.get("canary") instanceof ArrayNode canaries) {
            for (int i = 0; i < canaries.size(); i++) {
                if (canaries.get(i).get("predictor") instanceof ObjectNode predictor) {
                    String named = Json.nonBlankText(predictor, "name");
                    String canaryName = named != null ? named : "canary" + i;
                    components.add(component(withMode, ComponentKind.CANARY, i,
                            FieldPath.of("spec", "canary").index(i).child("predictor"), predictor,
                            name + "-" + canaryName + "-predictor"));
                }
            }
        }
        return new Review(operation, object, oldObject, name, namespace, mode, source, List.copyOf(components), settings, cluster, knative);
    }

    /** Whether an object is an InferenceGraph ({@code kind: InferenceGraph}); anything else is judged as an InferenceService. */
    public static boolean isGraph(JsonNode object) {
        return object != null && Kind.INFERENCE_GRAPH.kind().equals(object.path("kind").asText());
    }

    /** {@code <isvc>-predictor}, or {@code <isvc>-<spec.predictor.name>-predictor} when the predictor is named. */
    static String predictorName(String isvc, JsonNode predictor) {
        String name = Json.nonBlankText(predictor, "name");
        return name != null ? isvc + "-" + name + "-predictor" : isvc + "-predictor";
    }

    private static String isvcName(ObjectNode object) {
        JsonNode metadata = object.get("metadata");
        String name = Json.nonBlankText(metadata, "name");
        if (name != null) {
            return name;
        }
        JsonNode generateName = metadata == null || !metadata.isObject() ? null : metadata.get("generateName");
        return generateName != null && generateName.isTextual() ? generateName.asText() : "";
    }

    private static Component component(Review review, ComponentKind kind, int index, FieldPath path, ObjectNode spec,
            String objectName) {
        Component bare = new Component(kind, index, path, spec, objectName, Autoscaler.CUSTOM, null);
        return switch (review.mode()) {
            case MODELMESH -> new Component(kind, index, path, spec, objectName, Autoscaler.NOT_SCALED, null);
            case KNATIVE -> {
                Optional<Review.Annotation> cls = review.effective(bare, Annotations.KNATIVE_CLASS);
                Autoscaler autoscaler = cls.isPresent() ? knativeClass(cls.get().value()) : Autoscaler.KPA;
                yield new Component(kind, index, path, spec, objectName, autoscaler, cls.isPresent() ? cls.get().path() : null);
            }
            case STANDARD -> {
                Optional<Review.Annotation> cls = review.effective(bare, Annotations.AUTOSCALER_CLASS);
                Autoscaler autoscaler = cls.isPresent() ? standardClass(cls.get().value()) : Autoscaler.HPA;
                if (autoscaler == Autoscaler.KEDA && !Json.has(spec, "autoScaling") && !Json.has(spec, "scaleMetric")
                        && !Json.has(spec, "scaleTarget")) {
                    autoscaler = Autoscaler.NONE;
                }
                yield new Component(kind, index, path, spec, objectName, autoscaler, cls.isPresent() ? cls.get().path() : null);
            }
        };
    }

    /**
     * The Knative-mode values of {@code autoscaling.knative.dev/class}. A value with no dot is no class
     * to Knative (autoscaler-class denies it), but it is judged as the class it was meant to be
     * ({@link Annotations#knativeClassMeant}: {@code hpa} as Knative-HPA, anything else as KPA), so the
     * default metric and Knative annotations are still written and the other rules still judge it.
     */
    public static Autoscaler knativeClass(String value) {
        String cls = Annotations.knativeClassMeant(value).orElse(value);
        return switch (cls) {
            case Annotations.KPA_CLASS -> Autoscaler.KPA;
            case Annotations.HPA_CLASS -> Autoscaler.KNATIVE_HPA;
            default -> Autoscaler.CUSTOM;
        };
    }

    /** The Standard-mode values of {@code serving.kserve.io/autoscalerClass}. */
    public static Autoscaler standardClass(String value) {
        return switch (value) {
            case "hpa" -> Autoscaler.HPA;
            case "keda" -> Autoscaler.KEDA;
            case "external" -> Autoscaler.EXTERNAL;
            case "none" -> Autoscaler.NONE;
            default -> Autoscaler.CUSTOM;
        };
    }
}
