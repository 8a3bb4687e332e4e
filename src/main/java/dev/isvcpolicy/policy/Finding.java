package dev.isvcpolicy.policy;

/**
 * One thing a validation found: which rule, what it does, where (Kubernetes field notation), and a
 * message that says what is wrong and how to fix it.
 *
 * @param auditOnly true when the finding would deny but audit-only mode turned it into a warning
 */
public record Finding(String ruleId, Action action, String path, String message, boolean auditOnly) {

    public Finding(String ruleId, Action action, String path, String message) {
        this(ruleId, action, path, message, false);
    }

    public Finding withAction(Action newAction, boolean lowered) {
        return new Finding(ruleId, newAction, path, message, lowered);
    }

    /** The line a user reads in {@code kubectl}'s output. */
    public String line() {
        return (auditOnly ? "(audit-only, would deny) " : "") + path + ": " + message + " [" + ruleId + "]";
    }

    /** The label metrics and audit annotations use: {@code deny}, {@code warn}, or {@code audit-only-deny}. */
    public String outcome() {
        return auditOnly ? "audit-only-deny" : action.label();
    }
}
