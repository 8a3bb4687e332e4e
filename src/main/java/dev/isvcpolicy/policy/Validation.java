package dev.isvcpolicy.policy;

/** A rule's validating half: reports findings; no I/O. */
public interface Validation extends Rule {

    void validate(Review review, Findings findings);
}
