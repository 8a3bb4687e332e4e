package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.ClusterView;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.ScaledObjects;
import dev.isvcpolicy.policy.Validation;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * One autoscaler per workload: KEDA in Knative mode would fight the KPA over replicas; classes and
 * annotations of the other mode are ignored and said so. Cluster side: a component that KServe or
 * Knative scales is refused while a user's ScaledObject already targets its Deployment (the
 * ScaledObject's own side is {@link ScaledObjectConflictRule}).
 */
public final class AutoscalerConflictRule implements Validation {

    public static final String ID = "autoscaler-conflict";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "KEDA in Knative mode is refused (two autoscalers on one workload); the other mode's classes and annotations are ignored";
    }

    /** Where the skipped-check finding of an InferenceService points: the namespace whose ScaledObjects were not read. */
    static final FieldPath NAMESPACE = FieldPath.of("metadata", "namespace");

    @Override
    public void validate(Review review, Findings f) {
        staticSide(review, f);
        clusterSide(review, f);
    }

    private static void clusterSide(Review review, Findings f) {
        ClusterView cluster = review.cluster();
        if (cluster.lookup() == ClusterView.Lookup.OFF || cluster.lookup() == ClusterView.Lookup.ABSENT
                || !hasName(review) || beingDeleted(review)) {
            return;
        }
        List<Component> scaled = review.components().stream().filter(c -> c.autoscaler().ownsReplicas()).toList();
        if (scaled.isEmpty()) {
            return;
        }
        if (cluster.lookup() == ClusterView.Lookup.UNAVAILABLE) {
            f.add(review.settings().clusterUnavailableAction(), NAMESPACE, "the ScaledObjects of namespace \""
                    + review.namespace() + "\" could not be checked against this InferenceService (" + cluster.detail()
                    + "): the cluster-side autoscaler-conflict check was skipped");
            return;
        }
        String uid = ScaledObjects.uid(review.object());
        for (Component c : scaled) {
            for (ClusterView.ScaledObjectRef so : cluster.scaledObjectsTargeting(c.objectName())) {
                if (!so.ownedBy(review.name(), uid) && ScaledObjects.isWorkloadOf(so.deployment(), c.objectName())) {
                    f.deny(c.classPath() != null ? c.classPath() : c.path(), "ScaledObject \"" + so.name()
                            + "\" already scales Deployment \"" + so.deployment() + "\", the " + c.label()
                            + "'s workload, and " + inCharge(c, review) + " would scale it too: two autoscalers would fight over its replicas. "
                            + "Delete that ScaledObject and let KServe scale the " + c.label() + ", or keep it and set "
                            + Annotations.AUTOSCALER_CLASS + ": external (Standard mode)");
                }
            }
        }
    }

    /** The autoscaler already in charge of a component, for messages, e.g. {@code Knative's KPA (Knative mode)}. */
    static String inCharge(Component c, Review review) {
        return switch (c.autoscaler()) {
            case KPA -> "Knative's KPA (Knative mode)";
            case KNATIVE_HPA -> "Knative's HPA class (Knative mode)";
            case HPA -> "KServe's HorizontalPodAutoscaler (autoscalerClass hpa, Standard mode)";
            case KEDA -> "KServe's own ScaledObject (autoscalerClass keda, Standard mode)";
            default -> "the autoscaler class \"" + review.effective(c, review.mode() == DeploymentMode.KNATIVE
                    ? Annotations.KNATIVE_CLASS : Annotations.AUTOSCALER_CLASS).map(Review.Annotation::value).orElse(c.autoscaler().label())
                    + "\" (" + review.mode().value() + " mode)";
        };
    }

    static boolean hasName(Review review) {
        return Json.object(review.object(), "metadata").flatMap(m -> Json.text(m, "name")).filter(n -> !n.isBlank()).isPresent();
    }

    /** An object on its way out (finalizers being removed) is never held up by the cluster-side check. */
    static boolean beingDeleted(Review review) {
        return Json.object(review.object(), "metadata").map(m -> Json.has(m, "deletionTimestamp")).orElse(false);
    }

    private static void staticSide(Review review, Findings f) {
        if (review.mode() == DeploymentMode.KNATIVE) {
            for (Component c : review.components()) {
                Optional<Review.Annotation> cls = review.effective(c, Annotations.AUTOSCALER_CLASS);
                if (cls.isEmpty()) {
                    continue;
                }
                switch (cls.get().value()) {
                    case "keda" -> f.deny(cls.get().path(), "KEDA needs Standard mode, but this InferenceService runs in Knative mode ("
                            + source(review) + "): Knative's autoscaler and KEDA would fight over the replicas. Set "
                            + Annotations.DEPLOYMENT_MODE + ": Standard" + (review.isCreateOrFirstUpdate() ? "" : " (only possible by recreating it)")
                            + ", or remove the keda class");
                    case "hpa", "external", "none" -> f.warn(cls.get().path(), "\"" + cls.get().value()
                            + "\" is ignored in Knative mode: Knative's autoscaler scales this component (set "
                            + Annotations.DEPLOYMENT_MODE + ": Standard to use it)");
                    default -> {
                    }
                }
            }
        } else if (review.mode() == DeploymentMode.STANDARD) {
            warnKnative(Json.object(review.object(), "metadata").flatMap(m -> Json.object(m, "annotations")).orElse(null),
                    Review.METADATA_ANNOTATIONS, f);
            for (Component c : review.components()) {
                warnKnative(Json.object(c.spec(), "annotations").orElse(null), c.field("annotations"), f);
            }
        }
    }

    private static void warnKnative(JsonNode annotations, FieldPath at, Findings f) {
        if (annotations == null) {
            return;
        }
        Iterator<String> keys = annotations.fieldNames();
        while (keys.hasNext()) {
            String key = keys.next();
            if (key.startsWith(Annotations.KNATIVE_PREFIX)) {
                f.warn(at.key(key), "ignored in Standard mode: Knative annotations only act on Knative revisions");
            }
        }
    }

    private static String source(Review review) {
        return switch (review.modeSource()) {
            case STATUS -> "status.deploymentMode";
            case ANNOTATION -> "annotation " + Annotations.DEPLOYMENT_MODE;
            case CLUSTER_DEFAULT -> "the cluster default in inferenceservice-config";
            case FALLBACK -> "the webhook's fallback mode";
        };
    }
}
