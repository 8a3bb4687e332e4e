package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.ScaledObjectReview;
import dev.isvcpolicy.policy.ScaledObjectValidation;
import dev.isvcpolicy.policy.ScaledObjects;
import dev.isvcpolicy.policy.Texts;

/**
 * The ScaledObject side of {@code autoscaler-conflict}: a user's ScaledObject may scale an InferenceService
 * component's Deployment only when that component's autoscaler is external (none is not enough: KServe pins
 * its replicas to minReplicas). One controlled (an ownerReference with {@code controller: true}) by the
 * InferenceService whose component it targets is KServe's own and is not judged against it
 * ({@link ScaledObjects#madeFor}); one controlled by another KServe object is a user's for that InferenceService.
 */
public final class ScaledObjectConflictRule implements ScaledObjectValidation {

    @Override
    public String id() {
        return AutoscalerConflictRule.ID;
    }

    @Override
    public String doc() {
        return "a ScaledObject on the Deployment of a component that KServe or Knative already scales is refused";
    }

    @Override
    public String why() {
        return "A user's ScaledObject on a Deployment that KServe or Knative already scales makes two autoscalers set its replica count in turn.";
    }

    @Override
    public void validate(ScaledObjectReview r, Findings f) {
        if (r.target().isEmpty()) {
            return;
        }
        String target = r.target().get();
        switch (r.lookup()) {
            case OFF, ABSENT -> {
                return;
            }
            case UNAVAILABLE -> {
                f.add(r.settings().clusterUnavailableAction(), ScaledObjects.TARGET_NAME, "Deployment \"" + target
                        + "\" could not be checked against the InferenceServices of namespace \"" + r.namespace() + "\" ("
                        + r.detail() + "): the cluster-side autoscaler-conflict check was skipped");
                return;
            }
            case READY -> {
            }
        }
        for (Review isvc : r.inferenceServices()) {
            if (ScaledObjects.madeFor(r.owner(), "InferenceService", isvc.name(), ScaledObjects.uid(isvc.object()))) {
                continue; // KServe's own, for this InferenceService
            }
            for (Component c : isvc.components()) {
                if (c.autoscaler().ownsReplicas() && ScaledObjects.isWorkloadOf(target, c.objectName())) {
                    f.deny(Finding.Type.FORBIDDEN, ScaledObjects.TARGET_NAME, target, message(target, isvc, c, self(r)));
                }
            }
        }
    }

    /**
     * How a message names the object judged: an HTTPScaledObject is judged as the ScaledObject its operator makes
     * (a stand-in whose controller is the HTTPScaledObject, {@code KServeWorkloads.asScaledObject}).
     */
    private static String self(ScaledObjectReview r) {
        for (JsonNode ref : r.object().path("metadata").path("ownerReferences")) {
            if ("HTTPScaledObject".equals(ref.path("kind").asText()) && ref.path("controller").asBoolean(false)) {
                return "the ScaledObject that HTTPScaledObject \"" + Texts.quotable(ref.path("name").asText()) + "\" makes";
            }
        }
        return "this ScaledObject";
    }

    private static String message(String target, Review isvc, Component c, String self) {
        String fix = isvc.mode() == DeploymentMode.STANDARD
                ? "set " + Annotations.AUTOSCALER_CLASS + ": external on InferenceService \"" + isvc.name()
                        + "\" (Standard mode) so that " + self + " alone scales it"
                : "run InferenceService \"" + isvc.name() + "\" in Standard mode with " + Annotations.AUTOSCALER_CLASS
                        + ": external (a mode changes only by recreating it)";
        String who = c.autoscaler() == Autoscaler.NONE
                ? "whose replicas KServe pins to minReplicas on every reconcile (autoscalerClass none"
                        + (Scaling.kedaClass(c, isvc) ? ", as keda without autoScaling is" : "") + "; only external leaves them alone)"
                : "which " + AutoscalerConflictRule.inCharge(c, isvc) + " already scales";
        return "Deployment \"" + target + "\" is the " + c.label() + " of InferenceService \"" + isvc.name() + "\", " + who
                + ": " + self + " would fight it over the replicas. "
                + "To scale it with KEDA, " + fix + "; or use the InferenceService's own autoscaling fields";
    }
}
