package dev.isvcpolicy.policy;

import java.util.Set;

/**
 * A rule's half that judges one of the kinds that are not InferenceServices or graphs on {@code /validate}
 * (LLMInferenceService, HTTPScaledObject, and ScaledObjects against graphs and LLMInferenceServices); no I/O.
 */
public interface ObjectValidation extends Rule {

    /** The kinds this half judges. */
    Set<Kind> kinds();

    void validate(ObjectReview review, Findings findings);
}
