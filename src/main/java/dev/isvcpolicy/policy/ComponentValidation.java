package dev.isvcpolicy.policy;

/** A validation judged per component, canaries included. */
public interface ComponentValidation extends Validation {

    /** The guard: when this validation applies to a component. */
    boolean appliesTo(Component component, Review review);

    void check(Component component, Review review, Findings findings);

    @Override
    default void validate(Review review, Findings findings) {
        for (Component c : review.components()) {
            if (appliesTo(c, review)) {
                check(c, review, findings);
            }
        }
    }
}
