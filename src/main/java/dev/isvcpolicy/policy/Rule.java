package dev.isvcpolicy.policy;

/** A policy rule: its id is the one in RULES.md, part of the product's interface. */
public interface Rule {

    /** The rule id, e.g. {@code scale-to-zero}. */
    String id();

    /** One line on what the rule forbids, requires or writes. */
    String doc();

    /** Why: the KServe, Knative, KEDA or Kubernetes behaviour the rule guards against, in a sentence or two. */
    String why();

    /** The level of a validating rule's main findings in RULES.md (a rule may also warn on lesser cases). */
    default Action defaultAction() {
        return Action.DENY;
    }

    /** The {@code webhook.*} keys this rule reads, declared in the rule's class (none by default). */
    default java.util.List<Setting<?>> settings() {
        return java.util.List.of();
    }
}
