package dev.isvcpolicy.policy;

/** A policy rule: its id is the one in RULES.md, part of the product's interface. */
public interface Rule {

    /** The rule id, e.g. {@code scale-to-zero}. */
    String id();

    /** One line on what the rule forbids, requires or writes. */
    String doc();

    /** The level of a validating rule's main findings in RULES.md (a rule may also warn on lesser cases). */
    default Action defaultAction() {
        return Action.DENY;
    }
}
