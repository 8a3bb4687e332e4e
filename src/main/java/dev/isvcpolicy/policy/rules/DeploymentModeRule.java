package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.Validation;
import java.util.Optional;

/** An unknown deployment mode, or a mode change on an existing InferenceService (KServe never changes it). */
public final class DeploymentModeRule implements Validation {

    public static final String ID = "deployment-mode";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "deploymentMode annotation must be a known mode, and must not change after creation";
    }

    @Override
    public String why() {
        return "KServe reads the mode once, when the InferenceService is created, and never changes it; an unknown value is not a mode KServe can run.";
    }

    @Override
    public void validate(Review review, Findings f) {
        Optional<Review.Annotation> annotation = review.annotation(Annotations.DEPLOYMENT_MODE);
        if (annotation.isEmpty()) {
            return;
        }
        Optional<DeploymentMode> mode = DeploymentMode.parse(annotation.get().value());
        if (mode.isEmpty()) {
            f.deny(Finding.Type.NOT_SUPPORTED, annotation.get().path(), annotation.get().value(), "\"" + annotation.get().value() + "\" is not a deployment mode: use one of "
                    + DeploymentMode.VALID_VALUES);
            return;
        }
        Optional<DeploymentMode> status = review.statusMode();
        if (status.isPresent() && status.get() != mode.get()) {
            f.deny(Finding.Type.INVALID, annotation.get().path(), annotation.get().value(), "this InferenceService runs in " + status.get().value()
                    + " mode (status.deploymentMode) and KServe never changes it: set the annotation back to "
                    + status.get().value() + ", or delete and recreate the InferenceService to move it to "
                    + mode.get().value());
        }
    }
}
