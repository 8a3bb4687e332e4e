package dev.isvcpolicy.policy;

/** A rule's mutating half: edits the working copy through {@link Edits}; no I/O. */
public interface Mutation extends Rule {

    void mutate(Review review, Edits edits);

    /**
     * Whether this mutation can change the deployment mode or an autoscaler class. Such mutations run
     * first, on the context as sent; the context is then resolved once, and every other mutation and every
     * validation sees that same mode and the same autoscalers.
     */
    default boolean decidesContext() {
        return false;
    }
}
