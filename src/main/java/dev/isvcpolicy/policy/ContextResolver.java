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
        Optional<DeploymentMode> fromAnnotation = partial.annotation(Annotations.DEPLOYMENT_MODE)
                .flatMap(a -> DeploymentMode.parse(a.value()));
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
        JsonNode spec = Json.object(object, "spec").orElse(null);
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
            Optional<ObjectNode> node = Json.object(spec, kind.field());
            if (node.isPresent()) {
                String objectName = kind == ComponentKind.PREDICTOR
                        ? predictorName(name, node.get())
                        : name + "-" + kind.field();
                components.add(component(withMode, kind, 0, FieldPath.of("spec", kind.field()), node.get(), objectName));
            }
        }
        ArrayNode canaries = Json.array(spec, "canary").orElse(null);
        if (canaries != null) {
            for (int i = 0; i < canaries.size(); i++) {
                Optional<ObjectNode> predictor = Json.object(canaries.get(i), "predictor");
                if (predictor.isPresent()) {
                    String canaryName = Json.text(predictor.get(), "name").filter(n -> !n.isBlank()).orElse("canary" + i);
                    components.add(component(withMode, ComponentKind.CANARY, i,
                            FieldPath.of("spec", "canary").index(i).child("predictor"), predictor.get(),
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
        return Json.text(predictor, "name").filter(n -> !n.isBlank())
                .map(n -> isvc + "-" + n + "-predictor")
                .orElse(isvc + "-predictor");
    }

    private static String isvcName(ObjectNode object) {
        JsonNode metadata = Json.object(object, "metadata").orElse(null);
        return Json.text(metadata, "name").filter(n -> !n.isBlank())
                .or(() -> Json.text(metadata, "generateName"))
                .orElse("");
    }

    private static Component component(Review review, ComponentKind kind, int index, FieldPath path, ObjectNode spec,
            String objectName) {
        Component bare = new Component(kind, index, path, spec, objectName, Autoscaler.CUSTOM, null);
        return switch (review.mode()) {
            case MODELMESH -> new Component(kind, index, path, spec, objectName, Autoscaler.NOT_SCALED, null);
            case KNATIVE -> {
                Optional<Review.Annotation> cls = review.effective(bare, Annotations.KNATIVE_CLASS);
                Autoscaler autoscaler = cls.map(a -> knativeClass(a.value())).orElse(Autoscaler.KPA);
                yield new Component(kind, index, path, spec, objectName, autoscaler, cls.map(Review.Annotation::path).orElse(null));
            }
            case STANDARD -> {
                Optional<Review.Annotation> cls = review.effective(bare, Annotations.AUTOSCALER_CLASS);
                Autoscaler autoscaler = cls.map(a -> standardClass(a.value())).orElse(Autoscaler.HPA);
                if (autoscaler == Autoscaler.KEDA && !Json.has(spec, "autoScaling") && !Json.has(spec, "scaleMetric")
                        && !Json.has(spec, "scaleTarget")) {
                    autoscaler = Autoscaler.NONE;
                }
                yield new Component(kind, index, path, spec, objectName, autoscaler, cls.map(Review.Annotation::path).orElse(null));
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
