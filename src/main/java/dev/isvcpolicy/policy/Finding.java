package dev.isvcpolicy.policy;

/**
 * One thing a validation found: which rule, what it does, where (Kubernetes field notation), and a
 * message that says what is wrong and how to fix it.
 */
public record Finding(String ruleId, Action action, String path, String message) {

    public Finding withAction(Action newAction) {
        return new Finding(ruleId, newAction, path, message);
    }

    /** The line a user reads in {@code kubectl}'s output. */
    public String line() {
        return path + ": " + message + " [" + ruleId + "]";
    }
}
