package dev.isvcpolicy.policy;

/** What a mutation tells the user it did, e.g. that {@code qps} became {@code rps}. */
public record Notice(String ruleId, String path, String message) {

    /** The line a user reads in {@code kubectl}'s output. */
    public String line() {
        return path + ": " + message + " [" + ruleId + "]";
    }
}
