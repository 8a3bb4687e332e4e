package dev.isvcpolicy.policy;

/** A rule's half that judges a KEDA ScaledObject on {@code /validate}; no I/O. */
public interface ScaledObjectValidation extends Rule {

    void validate(ScaledObjectReview review, Findings findings);
}
