package dev.isvcpolicy.policy;

/** A mutation judged per component (never on a canary, never on a component KServe does not scale). */
public interface ComponentMutation extends Mutation {

    /** The guard: when this mutation applies to a component. */
    boolean appliesTo(Component component, Review review);

    void mutate(Component component, Review review, Edits edits);

    @Override
    default void mutate(Review review, Edits edits) {
        for (Component c : review.mutableComponents()) {
            if (appliesTo(c, review)) {
                mutate(c, review, edits);
            }
        }
    }
}
