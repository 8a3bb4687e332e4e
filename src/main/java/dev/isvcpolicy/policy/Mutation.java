package dev.isvcpolicy.policy;

/** A rule's mutating half: edits the working copy through {@link Edits}; no I/O. */
public interface Mutation extends Rule {

    void mutate(Review review, Edits edits);
}
