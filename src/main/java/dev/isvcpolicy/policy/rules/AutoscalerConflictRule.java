package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.ClusterView;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ContextResolver;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.ScaledObjects;
import dev.isvcpolicy.policy.Validation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * One autoscaler per workload: KEDA in Knative mode would fight the KPA over replicas; classes and
 * annotations of the other mode are ignored and said so. {@code validations.keda.sh/hpa-ownership: "false"}
 * (ISVC or component) is refused: KServe copies it onto its HPA, where it switches off KEDA's own conflict
 * check. On UPDATE in Standard mode, a component switching from hpa to keda is warned that KServe's HPA stays
 * (and KEDA's webhook refuses KServe's ScaledObject until it is deleted), one switching away from keda that
 * KServe's ScaledObject stays. Cluster side: a component that KServe or Knative scales, or whose replicas
 * KServe pins (none, keda without autoScaling), is refused while a user's ScaledObject (one not controlled by
 * this InferenceService or graph: {@link ScaledObjects#madeFor}) already targets its Deployment; only external
 * leaves the Deployment to the user (the ScaledObject's own side is {@link ScaledObjectConflictRule}).
 */
public final class AutoscalerConflictRule implements Validation {

    public static final String ID = "autoscaler-conflict";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "KEDA in Knative mode, a user's ScaledObject on a component KServe scales or pins (all but external), and "
                + "hpa-ownership \"false\" are refused; class switches KServe does not clean up and the other mode's settings are warned";
    }

    @Override
    public String why() {
        return "Two autoscalers on one Deployment each set its replica count in turn, so the count swings between their answers; KEDA and Knative's KPA, or a user's ScaledObject and KServe's own HPA, are the usual pairs.";
    }

    /** Where the skipped-check finding of an InferenceService points: the namespace whose ScaledObjects were not read. */
    static final FieldPath NAMESPACE = FieldPath.of("metadata", "namespace");

    @Override
    public void validate(Review review, Findings f) {
        staticSide(review, f);
        hpaOwnership(review, f);
        switches(review, f);
        clusterSide(review, f);
    }

    /** KServe copies the annotation onto its HPA, where {@code "false"} switches off KEDA's check that one HPA scales a workload. */
    private static void hpaOwnership(Review review, Findings f) {
        List<Review.Annotation> found = new ArrayList<>();
        Optional<Review.Annotation> onIsvc = review.annotation(Annotations.KEDA_HPA_OWNERSHIP);
        if (onIsvc.isPresent()) {
            found.add(onIsvc.get());
        }
        for (Component c : review.components()) {
            Optional<Review.Annotation> own = review.componentAnnotation(c, Annotations.KEDA_HPA_OWNERSHIP);
            if (own.isPresent()) {
                found.add(own.get());
            }
        }
        for (Review.Annotation a : found) {
            if (a.value().equals("false")) { // KEDA's verifyHpas compares exactly; "False" switches nothing off
                f.deny(Finding.Type.FORBIDDEN, a.path(), a.value(), "KServe copies this annotation onto the HPA it makes, where "
                        + "\"false\" switches off KEDA's own check that no two autoscalers scale one Deployment: remove it (to scale "
                        + "with your own ScaledObject, set " + Annotations.AUTOSCALER_CLASS + ": external instead)");
            }
        }
    }

    /**
     * UPDATE in Standard mode: KServe does not clean up after a class change. From hpa to keda its HPA stays and
     * KEDA's webhook refuses the ScaledObject KServe then makes; away from keda its ScaledObject stays.
     */
    private static void switches(Review review, Findings f) {
        if (review.operation() != Operation.UPDATE || review.mode() != DeploymentMode.STANDARD
                || !(review.oldObject() instanceof ObjectNode old)) {
            return;
        }
        if (review.modeSource() == dev.isvcpolicy.policy.ModeSource.ANNOTATION
                && !modeAnnotation(old).equals(modeAnnotation(review.object()))) {
            return; // KServe has not set a mode yet and the UPDATE names another one: the old object ran in another mode
        }
        Review before = ContextResolver.resolve(Operation.UPDATE, old, old, review.namespace(), Optional.of(review.mode()),
                review.settings());
        if (before.mode() != DeploymentMode.STANDARD) {
            return;
        }
        for (Component c : review.components()) {
            Optional<Component> was = before.components().stream().filter(o -> o.path().equals(c.path())).findFirst();
            if (was.isEmpty() || was.get().autoscaler() == c.autoscaler()) {
                continue;
            }
            FieldPath at = c.classPath() != null ? c.classPath() : c.path();
            String value = c.classPath() != null ? review.effective(c, Annotations.AUTOSCALER_CLASS).map(Review.Annotation::value).orElse(null) : null;
            boolean kedaNow = Scaling.kedaClass(c, review);
            if (was.get().autoscaler() == Autoscaler.HPA && kedaNow) {
                f.warn(Finding.Type.INVALID, at, value, "the " + c.label() + " switches from hpa to keda, but KServe leaves its "
                        + "HorizontalPodAutoscaler \"" + c.objectName() + "\" in place"
                        + (c.autoscaler() == Autoscaler.KEDA ? ", and KEDA's webhook refuses KServe's ScaledObject while another HPA scales the Deployment"
                                : ", still scaling the Deployment")
                        + ": delete it (kubectl delete hpa " + c.objectName() + " -n " + review.namespace() + ")");
            } else if (was.get().autoscaler() == Autoscaler.KEDA && !kedaNow) {
                f.warn(Finding.Type.INVALID, at, value, "the " + c.label() + " switches away from keda (to " + c.autoscaler().label()
                        + "), but KServe leaves its ScaledObject \"" + c.objectName() + "\" in place, still scaling the Deployment: "
                        + "delete it (kubectl delete scaledobject " + c.objectName() + " -n " + review.namespace() + ")");
            }
        }
    }

    /** The deployment mode an object's own annotation names, folded; empty without one. */
    private static Optional<DeploymentMode> modeAnnotation(JsonNode object) {
        JsonNode value = object.path("metadata").path("annotations").get(Annotations.DEPLOYMENT_MODE);
        return value != null && value.isTextual() ? DeploymentMode.parseLenient(value.asText().strip()) : Optional.empty();
    }

    private static void clusterSide(Review review, Findings f) {
        ClusterView cluster = review.cluster();
        if (cluster.lookup() == ClusterView.Lookup.OFF || cluster.lookup() == ClusterView.Lookup.ABSENT
                || !hasName(review) || beingDeleted(review)) {
            return;
        }
        List<Component> scaled = new ArrayList<>();
        for (Component c : review.components()) {
            if (c.autoscaler().ownsReplicas()) {
                scaled.add(c);
            }
        }
        if (scaled.isEmpty()) {
            return;
        }
        if (cluster.lookup() == ClusterView.Lookup.UNAVAILABLE) {
            f.add(review.settings().clusterUnavailableAction(), NAMESPACE, "the ScaledObjects of namespace \""
                    + review.namespace() + "\" could not be checked against this InferenceService (" + cluster.detail()
                    + "): the cluster-side autoscaler-conflict check was skipped");
            return;
        }
        for (Component c : scaled) {
            for (ClusterView.ScaledObjectRef so : cluster.scaledObjectsTargeting(c.objectName())) {
                if (so.userMadeFor(review.isGraph() ? "InferenceGraph" : "InferenceService", review.name(), ScaledObjects.uid(review.object()))
                        && ScaledObjects.isWorkloadOf(so.deployment(), c.objectName())) {
                    // On the component. What RULES.md §7 pairs it by is the conflict itself: this component, run by this
                    // autoscaler, against this ScaledObject on this Deployment (the subject), counted once (the measure), so an
                    // UPDATE that leaves those alone keeps it pre-existing whatever else changed (a new storageUri, where the
                    // class is written), and one that changes any of them (a renamed predictor meeting another ScaledObject, a
                    // new class) is judged anew.
                    f.add(Action.DENY, Finding.Type.FORBIDDEN, List.of(c.path()),
                            c.path().key(c.autoscaler().label() + " " + so.name() + " " + so.deployment()), 1, null,
                            "ScaledObject \"" + so.name() + "\"" + madeBy(so)
                            + " already scales Deployment \"" + so.deployment() + "\", the " + c.label()
                            + "'s workload, and " + inCharge(c, review) + " would scale it too: two autoscalers would fight over its replicas. "
                            + (so.httpScaledObject() == null ? "Delete that ScaledObject"
                                    : "Delete HTTPScaledObject \"" + so.httpScaledObject() + "\" (the add-on makes its ScaledObject again)")
                            + " and let KServe scale the " + c.label() + ", or keep it and set "
                            + Annotations.AUTOSCALER_CLASS + ": external (Standard mode)");
                }
            }
        }
    }

    /** For a ScaledObject the HTTP add-on made, which HTTPScaledObject it is for: what the user wrote and can delete. */
    static String madeBy(ClusterView.ScaledObjectRef so) {
        return so.httpScaledObject() == null ? "" : " (made by KEDA's HTTP add-on for HTTPScaledObject \"" + so.httpScaledObject() + "\")";
    }

    /** The autoscaler already in charge of a component, for messages, e.g. {@code Knative's KPA (Knative mode)}. */
    static String inCharge(Component c, Review review) {
        if (c.isCanary() && review.mode() == DeploymentMode.STANDARD) {
            return "KServe, which runs a canary at fixed replicas (Standard mode),"; // RULES.md §2: no autoscaler of its own
        }
        return switch (c.autoscaler()) {
            case KPA -> "Knative's KPA (Knative mode)";
            case KNATIVE_HPA -> "Knative's HPA class (Knative mode)";
            case HPA -> "KServe's HorizontalPodAutoscaler (autoscalerClass hpa, Standard mode)";
            case KEDA -> "KServe's own ScaledObject (autoscalerClass keda, Standard mode)";
            case NONE -> "KServe, which pins the replicas to minReplicas on every reconcile (autoscalerClass none"
                    + (Scaling.kedaClass(c, review) ? ", as keda without autoScaling is" : "") + ", Standard mode),";
            default -> "the autoscaler class \"" + review.effective(c, review.mode() == DeploymentMode.KNATIVE
                    ? Annotations.KNATIVE_CLASS : Annotations.AUTOSCALER_CLASS).map(Review.Annotation::value).orElse(c.autoscaler().label())
                    + "\" (" + review.mode().value() + " mode)";
        };
    }

    static boolean hasName(Review review) {
        return Json.nonBlankText(review.object().get("metadata"), "name") != null;
    }

    /** An object on its way out (finalizers being removed) is never held up by the cluster-side check. */
    static boolean beingDeleted(Review review) {
        return Json.has(review.object().get("metadata"), "deletionTimestamp");
    }

    private static void staticSide(Review review, Findings f) {
        if (review.mode() == DeploymentMode.KNATIVE) {
            for (Component c : review.components()) {
                Optional<Review.Annotation> cls = review.effective(c, Annotations.AUTOSCALER_CLASS);
                if (cls.isEmpty()) {
                    continue;
                }
                switch (cls.get().value()) {
                    case "keda" -> f.deny(Finding.Type.FORBIDDEN, cls.get().path(), cls.get().value(), "KEDA needs Standard mode, but this InferenceService runs in Knative mode ("
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
