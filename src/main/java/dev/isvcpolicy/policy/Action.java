package dev.isvcpolicy.policy;

/** What a finding does to the request; also what a rule can be set to in the configuration. */
public enum Action {
    /** Refuse the request ({@code allowed: false}). */
    DENY,
    /** Admit it, with a line in {@code response.warnings}. */
    WARN,
    /** Do not run the rule at all (both halves of a mutating + validating rule). */
    OFF;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
