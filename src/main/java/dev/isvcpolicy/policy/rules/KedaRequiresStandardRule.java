package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Edits;
import dev.isvcpolicy.policy.Mutation;
import dev.isvcpolicy.policy.Review;

/** Asking for KEDA on a cluster whose default is Knative: pin the new InferenceService to Standard mode. */
public final class KedaRequiresStandardRule implements Mutation {

    public static final String ID = "keda-requires-standard";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean decidesContext() {
        return true;
    }

    @Override
    public String doc() {
        return "a component whose autoscalerClass (its own, else the InferenceService's) is keda, no deploymentMode annotation, a Knative-default cluster: write deploymentMode Standard";
    }

    @Override
    public String why() {
        return "KEDA scales Deployments, which KServe makes only in Standard mode; on a Knative-default cluster an InferenceService that asks for KEDA without a mode would run under Knative's autoscaler, and the two would fight over the replicas.";
    }

    @Override
    public void mutate(Review review, Edits edits) {
        if (!review.isCreateOrFirstUpdate() || review.mode() != DeploymentMode.KNATIVE
                || review.annotation(Annotations.DEPLOYMENT_MODE).isPresent()
                || review.object().path("metadata").path("annotations").has(Annotations.DEPLOYMENT_MODE)) {
            return;
        }
        // The class KServe applies to each component: its own annotation, else the InferenceService's. A keda on the
        // InferenceService that every component overrides asks for KEDA nowhere, and pinning Standard would then put
        // those components under KServe's HPA instead of the Knative autoscaler they run with.
        boolean kedaRequested = false;
        for (Component c : review.mutableComponents()) {
            kedaRequested |= isKeda(review, c);
        }
        if (kedaRequested && edits.set(Review.METADATA_ANNOTATIONS.key(Annotations.DEPLOYMENT_MODE), DeploymentMode.STANDARD.value())) {
            edits.notice(Review.METADATA_ANNOTATIONS.key(Annotations.DEPLOYMENT_MODE),
                    "set to Standard: autoscalerClass keda needs Standard mode and this cluster defaults to Knative");
        }
    }

    private static boolean isKeda(Review review, Component c) {
        return review.effective(c, Annotations.AUTOSCALER_CLASS).filter(a -> "keda".equals(a.value())).isPresent();
    }
}
